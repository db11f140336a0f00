// Calibration statistics as Wanda collects them: for every linear layer and
// input channel j, S_j = sum over a sample's tokens of x_j^2 (x = the input
// that linear layer sees), averaged over samples. A sample is one encoded
// text block; every token of it, BOS included, is fed through the model.
// Samples run in parallel; per-sample sums (double) are added in sample
// order, so the result does not depend on the thread count.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "flow_pruner/llama_model.h"
#include "flow_pruner/matrix.h"

namespace flexcim::pruner {

// S_j for the seven linear layers of one transformer block.
struct LayerStats {
  std::array<std::vector<double>, kNumLinearKinds> s;  // indexed by LinearIndex(kind)

  const std::vector<double>& operator[](LinearKind kind) const { return s[LinearIndex(kind)]; }
  std::vector<double>& operator[](LinearKind kind) { return s[LinearIndex(kind)]; }
};

struct CalibrationStats {
  int num_samples = 0;
  int64_t num_tokens = 0;
  std::vector<LayerStats> layers;  // [n_layers]
};

struct CalibrationOptions {
  int threads = 0;       // <= 0: std::thread::hardware_concurrency()
  bool progress = true;  // progress line on stderr
  // Optional input transform applied before every linear layer, as in
  // ForwardHooks::transform_input (statistics see the transformed input).
  // Must be thread-safe when threads > 1.
  std::function<void(int layer, LinearKind kind, Matrix& input)> transform_input;
};

// Statistics of every layer from one forward pass per sample (through the
// last transformer block; the classifier is not run).
CalibrationStats Calibrate(const LlamaModel& model, const std::vector<std::vector<int>>& samples,
                           const CalibrationOptions& options = {});

// Statistics of block `layer` only, with the model as it is now: for
// sequential pruning, layers < `layer` may already be pruned and block
// `layer`'s inputs come from them. Runs blocks 0..layer only.
LayerStats CalibrateLayer(const LlamaModel& model, const std::vector<std::vector<int>>& samples,
                          int layer, const CalibrationOptions& options = {});

}  // namespace flexcim::pruner
