#include "flow_pruner/recurrent_inputs.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "flow_pruner/mamba_checkpoint.h"
#include "flow_pruner/rwkv_reader.h"
#include "flow_pruner/text_blocks.h"
#include "flow_pruner/token_id_blocks.h"

namespace flexcim::pruner {

std::unique_ptr<RecurrentLanguageModel> LoadRecurrentModel(const std::string& path) {
  if (IsRwkvModelFile(path)) return std::make_unique<RwkvModel>(LoadRwkvModel(path));
  if (IsMambaCheckpointDirectory(path)) return std::make_unique<MambaModel>(LoadMambaCheckpoint(path));
  return nullptr;
}

RecurrentInputs RecurrentInputs::Load(const ModelPaths& paths, std::unique_ptr<RecurrentLanguageModel> model,
                                      bool tokenizer_given) {
  RecurrentInputs in;
  in.paths = paths;
  in.model = std::move(model);
  if (!paths.token_ids.empty()) {
    in.token_id_blocks = ReadTokenIdBlocks(paths.token_ids, in.model->vocab_size());
    return in;
  }
  if (!in.model->byte_vocabulary()) {
    in.encoder = LoadTextEncoder(paths.tokenizer, in.model->vocab_size());
  } else if (tokenizer_given) {
    throw UsageError(fmt::format("--tokenizer {}: {} reads the text as bytes (token = byte value); drop "
                                 "--tokenizer",
                                 paths.tokenizer, paths.model));
  }
  in.blocks = ReadTextBlocks(paths.text);
  return in;
}

int RecurrentInputs::num_blocks() const {
  return static_cast<int>(paths.token_ids.empty() ? blocks.size() : token_id_blocks.size());
}

std::vector<std::vector<int>> RecurrentInputs::EncodeSlice(const std::string& spec, std::string_view flag) const {
  const BlockSlice slice = ParseBlockSlice(spec, num_blocks(), flag);
  if (!paths.token_ids.empty()) {
    return {token_id_blocks.begin() + slice.first, token_id_blocks.begin() + slice.last + 1};
  }
  if (!encoder) return BlocksAsBytes(SelectBlocks(blocks, slice));
  std::vector<std::vector<int>> sequences;
  for (int b = slice.first; b <= slice.last; ++b) sequences.push_back(encoder->EncodeBlock(blocks[b]));
  return sequences;
}

}  // namespace flexcim::pruner
