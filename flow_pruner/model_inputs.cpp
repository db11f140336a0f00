#include "flow_pruner/model_inputs.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "flow_pruner/text_blocks.h"

namespace flexcim::pruner {

ModelPaths ModelPaths::InDataDir(const std::string& data_dir) {
  return {data_dir + "/stories260K.bin", data_dir + "/tok512.bin",
          data_dir + "/tinystories-valid-head.txt"};
}

ModelInputs ModelInputs::Load(const ModelPaths& paths) {
  LlamaModel model = LoadLlamaModel(paths.model);
  Tokenizer tokenizer = Tokenizer::Load(paths.tokenizer, model.config.vocab_size);
  std::vector<std::string> blocks = ReadTextBlocks(paths.text);
  return {paths, std::move(model), std::move(tokenizer), std::move(blocks)};
}

std::vector<std::vector<int>> ModelInputs::EncodeSlice(const std::string& spec) const {
  const BlockSlice slice = ParseBlockSlice(spec, static_cast<int>(blocks.size()));
  auto sequences = EncodeBlocks(tokenizer, SelectBlocks(blocks, slice));
  for (size_t i = 0; i < sequences.size(); ++i) {
    if (static_cast<int>(sequences[i].size()) > model.config.seq_len) {
      throw Error(fmt::format("{}: block {} has {} tokens, more than the model's seq_len {}",
                              paths.text, slice.first + i, sequences[i].size(),
                              model.config.seq_len));
    }
  }
  return sequences;
}

}  // namespace flexcim::pruner
