// Writes random small Mamba-1 checkpoints as real Hugging Face directories
// (config.json + model.safetensors, or shards with an index) for tests.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace flexcim::pruner::testmamba {

struct RandomMamba {
  int d_model = 16, n_layer = 2, vocab = 37, pad_multiple = 8, d_state = 4, d_conv = 4, expand = 2;
  int dt_rank = 0;  // 0: "auto"
  bool tied = true;
  // name -> (shape, values); values are BF16-representable so that F32,
  // F16-free BF16 files hold the same numbers.
  std::map<std::string, std::pair<std::vector<int64_t>, std::vector<float>>> tensors;
  nlohmann::json config;
  int padded_vocab() const { return (vocab + pad_multiple - 1) / pad_multiple * pad_multiple; }
  int d_inner() const { return expand * d_model; }
  int rank() const { return dt_rank > 0 ? dt_rank : (d_model + 15) / 16; }
};

// Random weights (seeded) in the ranges of Mamba's own initialisation.
RandomMamba MakeRandomMamba(RandomMamba shape, unsigned seed);

// Writes `m` into `dir` (created): dtype "F32" or "BF16"; shards > 1 splits
// the tensors over that many files with model.safetensors.index.json.
void WriteMamba(const RandomMamba& m, const std::string& dir, const std::string& dtype = "F32", int shards = 1);

}  // namespace flexcim::pruner::testmamba
