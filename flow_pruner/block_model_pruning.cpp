#include "flow_pruner/block_model_pruning.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/errors.h"
#include "core/parallel_for.h"
#include "flow_pruner/calibration_stream.h"
#include "flow_pruner/flow_metrics.h"
#include "flow_pruner/nm_mask.h"
#include "flow_pruner/progress.h"
#include "flow_pruner/quantize.h"
#include "golden/tile_mapping.h"

namespace flexcim::pruner {

double BlockModelPruneResult::weight_sparsity() const {
  int64_t total = 0, kept = 0;
  for (const auto& b : blocks) {
    total += b.weights;
    kept += b.kept;
  }
  return total > 0 ? 1.0 - static_cast<double>(kept) / total : 0.0;
}

namespace {

constexpr int kChunks = 8;  // fixed, so the sums do not depend on threads

// What one block's calibration run collects for each of its linear layers.
struct BlockInputs {
  std::vector<std::vector<double>> s;  // Wanda S_j: sum over tokens of x_j^2, mean over samples
  std::vector<std::vector<double>> h;  // H = X^T X (in x in, row-major, symmetric), when asked
};

// The activations of every calibration sample at the input of the next
// block (CalibrationStream for a BlockLinearModel).
class BlockStream {
 public:
  BlockStream(const BlockLinearModel& model, const std::vector<std::vector<int>>& samples, int threads)
      : streams_(samples.size()), threads_(threads) {
    if (samples.empty()) throw Error("calibration: no samples");
    ParallelFor(static_cast<int>(samples.size()), threads,
                [&](int i) { streams_[i] = model.Embed(samples[i]); });
  }

  // Runs block `block` of `model` on every sample and collects its linear
  // layers' inputs; `advance`: the streams move past the block (else they
  // stay at its input).
  BlockInputs Collect(const BlockLinearModel& model, int block, bool want_h, bool advance) {
    const int n = static_cast<int>(streams_.size());
    const int layers = static_cast<int>(model.LinearNames().size());
    const int chunks = std::min(kChunks, n);
    std::vector<BlockInputs> per_chunk(chunks);
    ParallelFor(chunks, threads_, [&](int c) {
      BlockInputs& sums = per_chunk[c];
      sums.s.resize(layers);
      if (want_h) sums.h.resize(layers);
      for (int k = 0; k < layers; ++k) {
        const size_t in = static_cast<size_t>(model.Linear(block, k).cols);
        sums.s[k].assign(in, 0.0);
        if (want_h) sums.h[k].assign(in * in, 0.0);
      }
      std::vector<double> scratch;
      BlockLinearHooks hooks;
      hooks.observe_input = [&](int, int k, const Matrix& x) {
        std::vector<double>& s = sums.s[k];
        for (int t = 0; t < x.rows; ++t) {
          const float* row = x.row(t);
          for (int j = 0; j < x.cols; ++j) s[j] += static_cast<double>(row[j]) * row[j];
        }
        if (want_h) AddGram(x, sums.h[k], scratch);
      };
      const int first = static_cast<int>(static_cast<int64_t>(n) * c / chunks);
      const int last = static_cast<int>(static_cast<int64_t>(n) * (c + 1) / chunks);
      for (int i = first; i < last; ++i) {
        if (advance) {
          model.RunBlock(block, streams_[i], hooks);
        } else {
          BlockActivations a = streams_[i];
          model.RunBlock(block, a, hooks);
        }
      }
    });
    BlockInputs total = std::move(per_chunk[0]);
    for (int c = 1; c < chunks; ++c) {
      for (int k = 0; k < layers; ++k) {
        for (size_t j = 0; j < total.s[k].size(); ++j) total.s[k][j] += per_chunk[c].s[k][j];
        if (want_h) {
          for (size_t j = 0; j < total.h[k].size(); ++j) total.h[k][j] += per_chunk[c].h[k][j];
        }
      }
    }
    for (auto& s : total.s) {
      for (double& v : s) v /= n;
    }
    if (want_h) {
      for (auto& h : total.h) {
        const int d = static_cast<int>(std::lround(std::sqrt(static_cast<double>(h.size()))));
        for (int a = 0; a < d; ++a) {
          for (int b = 0; b < a; ++b) h[static_cast<size_t>(b) * d + a] = h[static_cast<size_t>(a) * d + b];
        }
      }
    }
    return total;
  }

  void Advance(const BlockLinearModel& model, int block) {
    ParallelFor(static_cast<int>(streams_.size()), threads_,
                [&](int i) { model.RunBlock(block, streams_[i], {}); });
  }

 private:
  std::vector<BlockActivations> streams_;
  int threads_ = 0;
};

void CheckSettings(const BlockLinearModel& dense, const PruneSettings& s) {
  if (s.method != PruneMethod::kFlow && s.method != PruneMethod::kUniform &&
      s.method != PruneMethod::kOwl) {
    throw UsageError(fmt::format("--method {}: not available for this model family (flow, uniform "
                                 "and owl are)",
                                 PruneMethodName(s.method)));
  }
  if (s.priority != SelectionPriority::kAccuracy) {
    throw UsageError(fmt::format("--prioritize {}: not available for this model family (accuracy is)",
                                 SelectionPriorityName(s.priority)));
  }
  if (s.nm) s.nm->RequireSupportedBy(s.config, "--nm");
  for (const NmPattern& p : s.candidates) p.RequireSupportedBy(s.config, "--candidates");
  for (int b : s.keep_dense) {
    if (b < 0 || b >= dense.num_blocks()) {
      throw UsageError(fmt::format("--keep-dense: block {} does not exist (model has {} blocks)", b,
                                   dense.num_blocks()));
    }
  }
}

FlowAssignment Select(const PruneSettings& s, int blocks, const std::vector<double>& o_norm,
                      const std::vector<double>& d_norm) {
  FlowSolverOptions options;
  options.alpha = s.alpha;
  options.beta = s.beta;
  options.candidates = s.candidates.empty() ? SupportedPatterns(s.config) : s.candidates;
  options.target_sparsity = s.target;
  options.forced_dense = s.keep_dense;
  options.forced_mode = s.keep_dense_mode;
  options.locality_direction = s.locality_direction;
  switch (s.method) {
    case PruneMethod::kOwl:
      if (!s.nm) throw UsageError("--method owl needs --nm N:M (its M is kept for every block)");
      return SolveOwl(o_norm, options, s.nm->m);
    case PruneMethod::kUniform:
      if (!s.nm) throw UsageError("--method uniform needs --nm N:M");
      return UniformAssignment(blocks, *s.nm, s.nm->sparsity(), s.keep_dense);
    default:
      return SolveFlow(o_norm, d_norm, options);
  }
}

}  // namespace

BlockModelPruneResult RunBlockModelPrune(const BlockLinearModel& dense,
                                         const std::vector<std::vector<int>>& calibration,
                                         const PruneSettings& s, int w_bits, int a_bits,
                                         const std::string& source_model_sha256) {
  CheckSettings(dense, s);
  const int L = dense.num_blocks();
  BlockModelPruneResult r;
  r.settings = s;
  r.linear_names = dense.LinearNames();
  const int K = static_cast<int>(r.linear_names.size());
  r.blocks.resize(L);

  // 1. Selection statistics from the dense model (one block per step).
  std::vector<double> o_raw(L), d_raw(L);
  std::vector<std::vector<double>> first_block_s;  // block 0's S: the pruned pass starts there too
  {
    BlockStream stream(dense, calibration, s.threads);
    ProgressReporter progress("calibrate", L, "blocks", s.progress);
    for (int i = 0; i < L; ++i) {
      BlockInputs in = stream.Collect(dense, i, false, true);
      std::vector<Matrix> metrics;
      for (int k = 0; k < K; ++k) metrics.push_back(WandaMetric(dense.Linear(i, k), in.s[k]));
      std::vector<const Matrix*> ptrs;
      for (const Matrix& m : metrics) ptrs.push_back(&m);
      r.blocks[i].stats = BlockOutlierStats(ptrs, s.outliers);
      if (!r.blocks[i].stats.locality_defined) {
        r.warnings.push_back(fmt::format("block {}: fewer than 2 outliers, locality set to 0", i));
      }
      o_raw[i] = r.blocks[i].stats.ratio_percent;
      d_raw[i] = r.blocks[i].stats.locality;
      progress.Advance();
    }
    progress.Finish();
  }
  const Normalized o_norm = NormalizeAcrossBlocks(o_raw, s.lamda);
  const Normalized d_norm = NormalizeAcrossBlocks(d_raw, s.lamda);
  r.normalisation_degenerate_o = o_norm.all_equal;
  r.normalisation_degenerate_d = d_norm.all_equal;
  if (o_norm.all_equal) r.warnings.push_back("all blocks have the same outlier ratio: 0.5 used for each");
  if (d_norm.all_equal) r.warnings.push_back("all blocks have the same locality: 0.5 used for each");
  for (int i = 0; i < L; ++i) {
    r.blocks[i].outlier_norm = o_norm.values[i];
    r.blocks[i].locality_norm = d_norm.values[i];
  }

  // 2. One pattern per block.
  r.assignment = Select(s, L, o_norm.values, d_norm.values);
  if (!r.assignment.exact && s.method != PruneMethod::kUniform && !s.allow_nearest) {
    std::vector<std::string> names;
    for (const NmPattern& p : r.assignment.patterns) names.push_back(p.ToString());
    throw UsageError(fmt::format(
        "--target {}: no assignment reaches it exactly; the closest achievable mean sparsity is "
        "{:.6f} with {} (pass --allow-nearest to use it)",
        s.target, r.assignment.achieved_sparsity, fmt::join(names, ",")));
  }
  for (const NmPattern& p : r.assignment.patterns) p.RequireSupportedBy(s.config, "pattern");
  for (int i = 0; i < L; ++i) {
    const NmPattern& p = r.assignment.patterns[i];
    if (p.dense()) continue;
    for (int k = 0; k < K; ++k) {
      const int inputs = dense.Linear(i, k).cols;
      if (inputs < p.m) {
        throw UsageError(fmt::format(
            "pattern {} for block {}: layer {} has {} inputs, fewer than M = {}, so N:M would prune "
            "nothing there; use patterns with M <= {} for this model",
            p.ToString(), i, r.linear_names[k], inputs, p.m, inputs));
      }
    }
  }

  // 3. Sequential pruning and quantisation.
  r.pruned = dense.CloneModel();
  BlockLinearModel& pruned = *r.pruned;
  r.container.config = s.config;
  r.container.w_bits = w_bits;
  r.container.a_bits = a_bits;
  r.container.hardware_legal = s.hardware_legal;
  r.container.method = std::string(PruneMethodName(s.method));
  r.container.source_model_sha256 = source_model_sha256;
  const bool obs = s.reconstruct == Reconstruction::kObs;
  BlockStream stream(pruned, calibration, s.threads);
  for (int i = 0; i < L; ++i) {
    const NmPattern pattern = r.assignment.patterns[i];
    r.blocks[i].pattern = pattern;
    if (s.progress) {
      fmt::print(stderr, "prune: block {} -> {}{}{}\n", i, pattern.ToString(),
                 obs ? ", OBS reconstruction" : "",
                 i == 0 ? "" : " (statistics from the pruned blocks before it)");
    }
    const BlockInputs in = stream.Collect(pruned, i, obs, false);
    std::vector<Mask> masks(K);
    std::vector<ObsLayerResult> results(obs ? K : 0);
    if (obs) {
      ParallelFor(K, s.threads, [&](int k) {
        results[k] = ObsPruneLayer(pruned.Linear(i, k), in.h[k], pattern, s.hardware_legal,
                                   s.config.sel_group(), s.obs);
      });
    }
    for (int k = 0; k < K; ++k) {
      Matrix& w = pruned.Linear(i, k);
      if (obs) {
        ObsLayerResult& res = results[k];
        if (res.all_inputs_zero) {
          r.warnings.push_back(fmt::format(
              "block {} layer {}: every calibration input is zero; pruned by |W| without the OBS update",
              i, r.linear_names[k]));
        } else if (res.damping > s.obs.damping) {
          r.warnings.push_back(fmt::format("block {} layer {}: H needed damping {} of its mean diagonal",
                                           i, r.linear_names[k], res.damping));
        }
        masks[k] = std::move(res.mask);
      } else {
        const Matrix metric = WandaMetric(w, in.s[k]);
        masks[k] = pattern.dense()       ? Mask(w.size(), 1)
                   : s.hardware_legal ? LegalNmMask(metric, pattern, s.config.sel_group())
                                      : FreeNmMask(metric, pattern);
        ApplyMask(w, masks[k]);
      }
    }
    if (i + 1 < L) stream.Advance(pruned, i);
    for (int k = 0; k < K; ++k) {
      const Matrix& w = pruned.Linear(i, k);
      r.blocks[i].weights += static_cast<int64_t>(w.size());
      r.blocks[i].kept += KeptCount(masks[k]);
      r.blocks[i].tile_passes +=
          golden::LayerTileGrid(s.config, pattern, w.rows, w.cols)
              .count();
      const QuantizedRows q = QuantizeWeights(w, w_bits);
      PrunedLayer layer;
      layer.block = i;
      layer.name = r.linear_names[k];
      layer.rows = w.rows;
      layer.cols = w.cols;
      layer.pattern = pattern;
      layer.mask = std::move(masks[k]);
      layer.weights.assign(q.q.begin(), q.q.end());
      layer.scales.assign(q.scale.begin(), q.scale.end());
      r.container.layers.push_back(std::move(layer));
    }
  }
  return r;
}

std::string LayerPatternText(const BlockModelPruneResult& r) {
  std::string s;
  for (size_t i = 0; i < r.blocks.size(); ++i) {
    s += fmt::format("Layer {}: {}\n", i, r.blocks[i].pattern.ToString());
  }
  return s;
}

}  // namespace flexcim::pruner
