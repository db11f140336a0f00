// ModelInputs: the model, its tokenizer and the text blocks (or blocks of
// token ids), loaded and cross-checked once for every command that evaluates
// or prunes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "flow_pruner/llama_model.h"
#include "flow_pruner/text_encoder.h"

namespace flexcim::pruner {

struct ModelPaths {
  std::string model;      // llama2.c .bin, or a Hugging Face directory
  std::string tokenizer;  // llama2.c tokenizer .bin, or a SentencePiece *.model
  std::string text;       // blank-line-separated blocks
  std::string token_ids;  // when set: one line of ids per block, replaces tokenizer + text
  // Defaults inside `data_dir`: stories260K.bin, tok512.bin, tinystories-valid-head.txt.
  static ModelPaths InDataDir(const std::string& data_dir);
};

struct ModelInputs {
  ModelPaths paths;
  LlamaModel model;
  std::shared_ptr<const TextEncoder> encoder;  // null with token_ids
  std::vector<std::string> blocks;             // text blocks (empty with token_ids)
  std::vector<std::vector<int>> token_id_blocks;

  static ModelInputs Load(const ModelPaths& paths);
  // Text blocks, or lines of the token-id file.
  int num_blocks() const;
  // Where the blocks come from (the text file or the token-id file).
  const std::string& blocks_source() const;
  // Encodes the inclusive slice "A:B" (README protocol) given by `flag`
  // (ParseBlockSlice names it in a usage error). Throws Error when a
  // block has more tokens than the model's seq_len, naming the block.
  std::vector<std::vector<int>> EncodeSlice(const std::string& slice, std::string_view flag) const;
};

}  // namespace flexcim::pruner
