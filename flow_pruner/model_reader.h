// ModelReader: the one entry point that reads a model checkpoint in any
// supported format into a LlamaModel, and writes a (pruned) model back in
// the format it came from. Formats:
//   - a file: llama2.c's legacy .bin (llama_model.h);
//   - a directory: a Hugging Face checkpoint, config.json + safetensors
//     (hf_checkpoint.h; the format layer is safetensors.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "flow_pruner/llama_model.h"

namespace flexcim::pruner {

// Reads `path`: a directory as a Hugging Face checkpoint, a file as a
// llama2.c .bin. Errors are those of LoadHfCheckpoint / LoadLlamaModel, and
// "DIR: not a regular file (a directory) and not a Hugging Face checkpoint
// (no config.json)".
LlamaModel LoadModel(const std::string& path);

// "llama2.c .bin" or "Hugging Face LlamaForCausalLM (BF16)" etc.
std::string DescribeModelFormat(const LlamaModel& model);

// SHA-256 identifying the checkpoint: of the file, or for a directory of
// the list "sha256  name" of config.json and every *.safetensors file in
// name order (so a re-sharded copy with other bytes hashes differently).
std::string ModelSha256(const std::string& path);

// Writes `model` into the existing directory `dir` in its own format:
// "pruned.bin" for a llama2.c model, else the Hugging Face files
// (config.json, model.safetensors, tokenizer files). Returns the names written.
std::vector<std::string> WriteModelFiles(const LlamaModel& model, const std::filesystem::path& dir);

}  // namespace flexcim::pruner
