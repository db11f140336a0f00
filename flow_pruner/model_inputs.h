// ModelInputs: the model, its tokenizer and the text blocks, loaded and
// cross-checked once for every command that evaluates or prunes.
#pragma once

#include <string>
#include <vector>

#include "flow_pruner/llama_model.h"
#include "flow_pruner/tokenizer.h"

namespace flexcim::pruner {

struct ModelPaths {
  std::string model;      // llama2.c .bin
  std::string tokenizer;  // llama2.c tokenizer .bin
  std::string text;       // blank-line-separated blocks
  // Defaults inside `data_dir`: stories260K.bin, tok512.bin, tinystories-valid-head.txt.
  static ModelPaths InDataDir(const std::string& data_dir);
};

struct ModelInputs {
  ModelPaths paths;
  LlamaModel model;
  Tokenizer tokenizer;
  std::vector<std::string> blocks;

  static ModelInputs Load(const ModelPaths& paths);
  // Encodes the inclusive slice "A:B" (README protocol). Throws Error when a
  // block has more tokens than the model's seq_len, naming the block.
  std::vector<std::vector<int>> EncodeSlice(const std::string& slice) const;
};

}  // namespace flexcim::pruner
