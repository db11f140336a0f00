#include "flow_pruner/calibration.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "flow_pruner/forward.h"
#include "core/parallel_for.h"
#include "flow_pruner/progress.h"

namespace flexcim::pruner {

namespace {

LayerStats ZeroStats(const LlamaConfig& c) {
  LayerStats stats;
  for (const LinearKind kind : kAllLinearKinds) {
    const int in = kind == LinearKind::kW2 ? c.hidden_dim : c.dim;
    stats[kind].assign(in, 0.0);
  }
  return stats;
}

void AddStats(LayerStats& total, const LayerStats& sample) {
  for (int k = 0; k < kNumLinearKinds; ++k) {
    for (size_t j = 0; j < total.s[k].size(); ++j) total.s[k][j] += sample.s[k][j];
  }
}

// Per-sample sums for layers [first, last], then the ordered average.
std::vector<LayerStats> Collect(const LlamaModel& model,
                                const std::vector<std::vector<int>>& samples, int first,
                                int last, const CalibrationOptions& options) {
  const LlamaConfig& c = model.config;
  const int n = static_cast<int>(samples.size());
  if (n == 0) throw Error("calibration: no samples");
  const int num_layers = last - first + 1;
  std::vector<std::vector<LayerStats>> per_sample(n);
  ProgressReporter progress("calibrate", n, "samples", options.progress);
  ParallelFor(n, options.threads, [&](int i) {
    std::vector<LayerStats> stats(num_layers, ZeroStats(c));
    ForwardHooks hooks;
    hooks.transform_input = options.transform_input;
    hooks.observe_input = [&](int layer, LinearKind kind, const Matrix& x) {
      if (layer < first || layer > last) return;
      std::vector<double>& s = stats[layer - first][kind];
      for (int t = 0; t < x.rows; ++t) {
        const float* row = x.row(t);
        for (int j = 0; j < x.cols; ++j) s[j] += static_cast<double>(row[j]) * row[j];
      }
    };
    RunTransformerLayers(model, samples[i], last + 1, hooks);
    per_sample[i] = std::move(stats);
    progress.Advance();
  });
  progress.Finish();
  std::vector<LayerStats> total(num_layers, ZeroStats(c));
  for (int i = 0; i < n; ++i) {
    for (int l = 0; l < num_layers; ++l) AddStats(total[l], per_sample[i][l]);
  }
  for (LayerStats& stats : total) {
    for (auto& s : stats.s) {
      for (double& v : s) v /= n;
    }
  }
  return total;
}

}  // namespace

CalibrationStats Calibrate(const LlamaModel& model, const std::vector<std::vector<int>>& samples,
                           const CalibrationOptions& options) {
  CalibrationStats result;
  result.num_samples = static_cast<int>(samples.size());
  for (const auto& sample : samples) result.num_tokens += static_cast<int64_t>(sample.size());
  result.layers = Collect(model, samples, 0, model.config.n_layers - 1, options);
  return result;
}

LayerStats CalibrateLayer(const LlamaModel& model, const std::vector<std::vector<int>>& samples,
                          int layer, const CalibrationOptions& options) {
  if (layer < 0 || layer >= model.config.n_layers) {
    throw Error(fmt::format("calibration: layer {} outside [0, {}]", layer,
                            model.config.n_layers - 1));
  }
  return std::move(Collect(model, samples, layer, layer, options).front());
}

}  // namespace flexcim::pruner
