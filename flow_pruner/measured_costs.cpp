#include "flow_pruner/measured_costs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <span>

#include "core/errors.h"
#include "flow_pruner/block_pruning.h"
#include "flow_pruner/forward.h"
#include "core/parallel_for.h"
#include "flow_pruner/perplexity.h"
#include "flow_pruner/progress.h"

namespace flexcim::pruner {

namespace {

double SquaredNorm(const Matrix& m) {
  double s = 0.0;
  for (float v : m.data) s += static_cast<double>(v) * v;
  return s;
}

double SquaredDistance(const Matrix& a, const Matrix& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.data.size(); ++i) {
    const double d = static_cast<double>(a.data[i]) - b.data[i];
    s += d * d;
  }
  return s;
}

}  // namespace

double MeasuredCosts::Cost(int block, const NmPattern& p) const {
  if (block < 0 || block >= static_cast<int>(loss_delta.size())) {
    throw Error(fmt::format("measured costs: block {} outside [0, {})", block, loss_delta.size()));
  }
  const std::vector<double>& d = loss_delta[block];
  const double floor = *std::min_element(d.begin(), d.end());
  if (p.dense()) return 0.0 - std::min(floor, 0.0);
  for (size_t k = 0; k < candidates.size(); ++k) {
    if (candidates[k] == p) return d[k] - std::min(floor, 0.0);
  }
  throw Error(fmt::format("measured costs: pattern {} was not measured", p.ToString()));
}

MeasuredCosts MeasureBlockCosts(const LlamaModel& dense, const CalibrationStats& dense_stats,
                                const std::vector<std::vector<int>>& calibration,
                                const std::vector<NmPattern>& candidates,
                                const MeasureOptions& options) {
  const int L = dense.config.n_layers;
  if (static_cast<int>(dense_stats.layers.size()) != L) {
    throw Error(fmt::format("measured costs: calibration statistics have {} blocks, the model has {}",
                            dense_stats.layers.size(), L));
  }
  // Samples of one token predict nothing: they are left out.
  std::vector<const std::vector<int>*> samples;
  for (const auto& seq : calibration) {
    if (seq.size() >= 2) samples.push_back(&seq);
  }
  if (samples.empty()) throw UsageError("measured costs: no calibration sample has 2 tokens");
  const int S = static_cast<int>(samples.size());
  MeasuredCosts out;
  out.candidates = candidates;
  out.hardware_legal = options.hardware_legal;
  out.sel_group = options.sel_group;
  out.samples = S;

  // Residual streams of the dense model over every token but the last (the
  // positions that predict): streams[s][i] enters block i.
  const auto inputs = [&](int s) {
    const std::vector<int>& seq = *samples[s];
    return std::span<const int>(seq).first(seq.size() - 1);
  };
  std::vector<std::vector<Matrix>> streams(S);
  std::vector<SequenceNll> dense_nll(S);
  ParallelFor(S, options.threads, [&](int s) {
    Matrix x = RunTransformerLayers(dense, inputs(s), 0);
    streams[s].push_back(x);
    for (int i = 0; i < L; ++i) {
      RunTransformerBlock(dense.config, dense.layers[i], i, x);
      streams[s].push_back(x);
    }
    dense_nll[s] = NllOfLogits(ClassifierLogits(dense, x), *samples[s]);
  });
  double dense_sum = 0.0;
  for (const SequenceNll& n : dense_nll) {
    dense_sum += n.sum_nll;
    out.predictions += n.predictions;
  }
  out.dense_nll = dense_sum / static_cast<double>(out.predictions);

  int sparse = 0;
  for (const NmPattern& p : candidates) sparse += p.dense() ? 0 : 1;
  ProgressReporter progress("measure block costs", static_cast<int64_t>(L) * sparse,
                            "block x pattern", options.progress);
  out.loss_delta.assign(L, std::vector<double>(candidates.size(), 0.0));
  out.output_error.assign(L, std::vector<double>(candidates.size(), 0.0));
  for (int i = 0; i < L; ++i) {
    double out_norm = 0.0;
    for (int s = 0; s < S; ++s) out_norm += SquaredNorm(streams[s][i + 1]);
    for (size_t k = 0; k < candidates.size(); ++k) {
      if (candidates[k].dense()) continue;
      LlamaLayer pruned = dense.layers[i];
      PruneBlockLinears(pruned, dense_stats.layers[i], candidates[k], options.hardware_legal,
                        options.sel_group);
      std::vector<double> err(S);
      std::vector<double> nll(S);
      ParallelFor(S, options.threads, [&](int s) {
        Matrix y = streams[s][i];
        RunTransformerBlock(dense.config, pruned, i, y);
        err[s] = SquaredDistance(y, streams[s][i + 1]);
        for (int j = i + 1; j < L; ++j) RunTransformerBlock(dense.config, dense.layers[j], j, y);
        nll[s] = NllOfLogits(ClassifierLogits(dense, y), *samples[s]).sum_nll;
      });
      double err_sum = 0.0, nll_sum = 0.0;
      for (int s = 0; s < S; ++s) {
        err_sum += err[s];
        nll_sum += nll[s];
      }
      out.output_error[i][k] = out_norm > 0 ? std::sqrt(err_sum / out_norm) : 0.0;
      out.loss_delta[i][k] = nll_sum / static_cast<double>(out.predictions) - out.dense_nll;
      progress.Advance();
    }
  }
  progress.Finish();
  return out;
}

}  // namespace flexcim::pruner
