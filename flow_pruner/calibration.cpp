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
  // Samples run in waves; each wave's per-sample sums are added to the
  // total in sample order as it ends (the same sums as adding every sample
  // at the end) and freed, so memory does not grow with the sample count.
  std::vector<LayerStats> total(num_layers, ZeroStats(c));
  const int wave = 16 * EffectiveThreads(options.threads, n);
  std::vector<std::vector<LayerStats>> per_sample(std::min(wave, n));
  ProgressReporter progress("calibrate", n, "samples", options.progress);
  for (int w0 = 0; w0 < n; w0 += wave) {
    const int in_wave = std::min(wave, n - w0);
    ParallelFor(in_wave, options.threads, [&](int wi) {
      const int i = w0 + wi;
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
      per_sample[wi] = std::move(stats);
      progress.Advance();
    });
    for (int wi = 0; wi < in_wave; ++wi) {
      for (int l = 0; l < num_layers; ++l) AddStats(total[l], per_sample[wi][l]);
    }
  }
  progress.Finish();
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
