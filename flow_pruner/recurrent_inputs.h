// RecurrentInputs: a recurrent model (RWKV file, or a Hugging Face Mamba
// directory) with its blocks, the counterpart of ModelInputs for `flexcim
// eval`. RWKV's vocabulary is bytes: its text blocks are read as bytes (no
// BOS); a Mamba directory's text goes through its tokenizer.json. Either takes
// --token-ids instead.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "flow_pruner/model_inputs.h"
#include "flow_pruner/recurrent_language_model.h"
#include "flow_pruner/text_encoder.h"

namespace flexcim::pruner {

// The recurrent model at `path`, or nullptr when `path` is none (a llama2.c
// .bin or a Llama-family directory). Errors are those of the model's reader.
std::unique_ptr<RecurrentLanguageModel> LoadRecurrentModel(const std::string& path);

struct RecurrentInputs {
  ModelPaths paths;
  std::unique_ptr<RecurrentLanguageModel> model;
  std::shared_ptr<const TextEncoder> encoder;      // a tokenizer.json for a non-byte vocabulary
  std::vector<std::string> blocks;                // text blocks (empty with token_ids)
  std::vector<std::vector<int>> token_id_blocks;  // with token_ids

  // `model` from LoadRecurrentModel(paths.model). `tokenizer_given`: the
  // user passed --tokenizer, a UsageError for a byte-level model.
  static RecurrentInputs Load(const ModelPaths& paths, std::unique_ptr<RecurrentLanguageModel> model,
                              bool tokenizer_given);
  int num_blocks() const;
  bool byte_level() const { return paths.token_ids.empty() && model->byte_vocabulary(); }
  // Encodes the inclusive slice "A:B" given by `flag` (named in a usage error).
  std::vector<std::vector<int>> EncodeSlice(const std::string& slice, std::string_view flag) const;
};

}  // namespace flexcim::pruner
