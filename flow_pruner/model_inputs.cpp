#include "flow_pruner/model_inputs.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "flow_pruner/model_reader.h"
#include "flow_pruner/text_blocks.h"
#include "flow_pruner/token_id_blocks.h"

namespace flexcim::pruner {

ModelPaths ModelPaths::InDataDir(const std::string& data_dir) {
  return {data_dir + "/stories260K.bin", data_dir + "/tok512.bin",
          data_dir + "/tinystories-valid-head.txt", ""};
}

ModelInputs ModelInputs::Load(const ModelPaths& paths) {
  ModelInputs in;
  in.paths = paths;
  in.model = LoadModel(paths.model);
  if (!paths.token_ids.empty()) {
    in.token_id_blocks = ReadTokenIdBlocks(paths.token_ids, in.model.config.vocab_size);
  } else {
    in.encoder = LoadTextEncoder(paths.tokenizer, in.model.config.vocab_size);
    in.blocks = ReadTextBlocks(paths.text);
  }
  return in;
}

int ModelInputs::num_blocks() const {
  return static_cast<int>(encoder ? blocks.size() : token_id_blocks.size());
}

const std::string& ModelInputs::blocks_source() const {
  return encoder ? paths.text : paths.token_ids;
}

std::vector<std::vector<int>> ModelInputs::EncodeSlice(const std::string& spec, std::string_view flag) const {
  const BlockSlice slice = ParseBlockSlice(spec, num_blocks(), flag);
  std::vector<std::vector<int>> sequences;
  for (int b = slice.first; b <= slice.last; ++b) {
    sequences.push_back(encoder ? encoder->EncodeBlock(blocks[b]) : token_id_blocks[b]);
  }
  for (size_t i = 0; i < sequences.size(); ++i) {
    if (static_cast<int>(sequences[i].size()) > model.config.seq_len) {
      throw Error(fmt::format("{}: block {} has {} tokens, more than the model's seq_len {}",
                              blocks_source(), slice.first + i, sequences[i].size(),
                              model.config.seq_len));
    }
  }
  return sequences;
}

}  // namespace flexcim::pruner
