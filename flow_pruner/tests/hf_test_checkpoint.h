// Test-side Hugging Face checkpoint writer, independent of the product's
// reader and writer (its own safetensors serialisation, its own q/k
// permutation as transformers' convert_llama_weights_to_hf.py does it), so
// the tests check the product against a second implementation.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "flow_pruner/llama_model.h"

namespace flexcim::pruner::testhf {

struct Tensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;
  std::string dtype = "F32";  // F32, F16, BF16 (values are rounded); anything else: raw zero bytes
};

// Rounds to the nearest BF16 / F16 value (ties to even), as a float.
float RoundBf16(float v);
float RoundF16(float v);

// The raw bytes of `t` in its dtype.
std::string EncodeTensor(const Tensor& t);

// A .safetensors image: 8-byte length, the JSON header (keys sorted, padded
// with spaces to a multiple of 8), the tensors' bytes in the given order.
std::string SafetensorsImage(const std::vector<Tensor>& tensors);

// HF row order of a llama2.c-order q/k matrix (rows of `head_size` per
// head): HF row c*head_size/2 + i holds llama2.c row 2i + c.
std::vector<float> PermuteToHf(const std::vector<float>& rows, int64_t cols, int head_size);

// The HF tensors (names, shapes, q/k permuted) of `m` in `dtype`.
std::vector<Tensor> HfTensorsOf(const LlamaModel& m, const std::string& dtype);

// config.json for `m` as `architecture`.
std::string ConfigJson(const LlamaModel& m, const std::string& architecture);

// Writes `dir`/config.json and the tensors as model.safetensors (shards = 1)
// or as `shards` files model-0000i-of-0000n.safetensors plus
// model.safetensors.index.json.
void WriteCheckpoint(const std::string& dir, const std::string& config_json,
                     const std::vector<Tensor>& tensors, int shards = 1);

// The shipped-model conversion: WriteCheckpoint(dir, ConfigJson(m, arch), HfTensorsOf(m, dtype)).
void WriteLlamaAsHf(const LlamaModel& m, const std::string& dir, const std::string& dtype,
                    int shards = 1, const std::string& architecture = "LlamaForCausalLM");

// `m` with every tensor rounded to BF16.
LlamaModel RoundedToBf16(LlamaModel m);

}  // namespace flexcim::pruner::testhf
