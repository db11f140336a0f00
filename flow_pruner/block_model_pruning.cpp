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

namespace {

constexpr int kChunks = 8;  // fixed, so the Hessian sums do not depend on threads

// What one block's calibration run collects for each of its linear layers
// (layers sharing an input share the owner's vectors).
struct BlockInputs {
  std::vector<std::vector<double>> s;  // Wanda S_j: per sample sum over tokens of x_j^2, mean over samples
  std::vector<std::shared_ptr<const std::vector<double>>> h;  // H = X^T X (in x in, symmetric), when asked
};

// The activations of every calibration sample at the input of the next
// block (calibration_stream.h's CalibrationStream for any BlockLinearModel).
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
  // stay at its input). S: per-sample sums added in sample order; H: summed
  // in fixed chunks of consecutive samples, the chunks in order.
  BlockInputs Collect(const BlockLinearModel& model, int block, bool want_h, bool advance) {
    const int n = static_cast<int>(streams_.size());
    const int layers = static_cast<int>(model.LinearNames().size());
    std::vector<int> owner(layers);
    for (int k = 0; k < layers; ++k) owner[k] = model.InputOwner(k);
    auto inputs = [&](int k) { return static_cast<size_t>(model.Linear(block, k).cols); };
    const int chunks = std::min(kChunks, n);
    std::vector<std::vector<std::vector<double>>> per_sample(n);  // [sample][layer] S sums
    // H: the chunks run in waves of one per thread, each wave added to the
    // total in chunk order as it ends (the same sums as adding every chunk
    // at the end), so only `threads` chunk Hessians are held at a time.
    std::vector<std::vector<double>> h_total(want_h ? layers : 0);
    for (int k = 0; k < static_cast<int>(h_total.size()); ++k) {
      if (owner[k] == k) h_total[k].assign(inputs(k) * inputs(k), 0.0);
    }
    const int wave = EffectiveThreads(threads_, chunks);
    for (int c0 = 0; c0 < chunks; c0 += wave) {
      const int in_wave = std::min(wave, chunks - c0);
      std::vector<std::vector<std::vector<double>>> per_chunk(in_wave);  // [chunk in wave][layer] H sums
      ParallelFor(in_wave, threads_, [&](int w) {
        const int c = c0 + w;
        std::vector<std::vector<double>>& grams = per_chunk[w];
        if (want_h) {
          grams.resize(layers);
          for (int k = 0; k < layers; ++k) {
            if (owner[k] == k) grams[k].assign(inputs(k) * inputs(k), 0.0);
          }
        }
        std::vector<double> scratch;
        const int first = static_cast<int>(static_cast<int64_t>(n) * c / chunks);
        const int last = static_cast<int>(static_cast<int64_t>(n) * (c + 1) / chunks);
        for (int i = first; i < last; ++i) {
          std::vector<std::vector<double>>& sums = per_sample[i];
          sums.resize(layers);
          for (int k = 0; k < layers; ++k) {
            if (owner[k] == k) sums[k].assign(inputs(k), 0.0);
          }
          BlockLinearHooks hooks;
          hooks.observe_input = [&](int, int k, const Matrix& x) {
            if (owner[k] != k) return;
            std::vector<double>& s = sums[k];
            for (int t = 0; t < x.rows; ++t) {
              const float* row = x.row(t);
              for (int j = 0; j < x.cols; ++j) s[j] += static_cast<double>(row[j]) * row[j];
            }
            if (want_h) AddGram(x, grams[k], scratch);
          };
          if (advance) {
            model.RunBlock(block, streams_[i], hooks);
          } else {
            BlockActivations a = streams_[i];
            model.RunBlock(block, a, hooks);
          }
        }
      });
      for (const auto& grams : per_chunk) {
        for (int k = 0; k < static_cast<int>(h_total.size()); ++k) {
          if (owner[k] != k) continue;
          for (size_t e = 0; e < h_total[k].size(); ++e) h_total[k][e] += grams[k][e];
        }
      }
    }
    BlockInputs total;
    total.s.resize(layers);
    if (want_h) total.h.resize(layers);
    for (int k = 0; k < layers; ++k) {
      if (owner[k] != k) continue;
      std::vector<double>& s = total.s[k];
      s.assign(inputs(k), 0.0);
      for (int i = 0; i < n; ++i) {
        for (size_t j = 0; j < s.size(); ++j) s[j] += per_sample[i][k][j];
      }
      for (double& v : s) v /= n;
      if (!want_h) continue;
      const size_t d = inputs(k);
      std::vector<double>& h = h_total[k];
      for (size_t a = 0; a < d; ++a) {
        for (size_t b = 0; b < a; ++b) h[b * d + a] = h[a * d + b];
      }
      total.h[k] = std::make_shared<const std::vector<double>>(std::move(h));
    }
    for (int k = 0; k < layers; ++k) {
      if (owner[k] == k) continue;
      total.s[k] = total.s[owner[k]];
      if (want_h) total.h[k] = total.h[owner[k]];
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

void CheckSettings(const BlockLinearModel& dense, const PruneSettings& s, bool own_selection) {
  if (own_selection) {
    // The family's pipeline checks its methods and priorities.
  } else if (s.method != PruneMethod::kFlow && s.method != PruneMethod::kUniform &&
             s.method != PruneMethod::kOwl) {
    throw UsageError(fmt::format("--method {}: not available for this model family (flow, uniform "
                                 "and owl are)",
                                 PruneMethodName(s.method)));
  }
  if (!own_selection && s.priority != SelectionPriority::kAccuracy) {
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
  const FlowSolverOptions options = SolverOptions(s);
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

FlowSolverOptions SolverOptions(const PruneSettings& s) {
  FlowSolverOptions options;
  options.alpha = s.alpha;
  options.beta = s.beta;
  options.candidates = s.candidates.empty() ? SupportedPatterns(s.config) : s.candidates;
  options.target_sparsity = s.target;
  options.forced_dense = s.keep_dense;
  options.forced_mode = s.keep_dense_mode;
  options.locality_direction = s.locality_direction;
  return options;
}

BlockLinearStats CalibrateBlocks(const BlockLinearModel& dense,
                                 const std::vector<std::vector<int>>& calibration, int threads,
                                 bool progress) {
  BlockStream stream(dense, calibration, threads);
  ProgressReporter reporter("calibrate", dense.num_blocks(), "blocks", progress);
  BlockLinearStats stats;
  for (int i = 0; i < dense.num_blocks(); ++i) {
    stats.push_back(stream.Collect(dense, i, false, true).s);
    reporter.Advance();
  }
  reporter.Finish();
  return stats;
}

BlockModelPruneResult RunBlockModelPrune(const BlockLinearModel& dense,
                                         const std::vector<std::vector<int>>& calibration,
                                         const PruneSettings& s, int w_bits, int a_bits,
                                         const std::string& source_model_sha256,
                                         const BlockPruneHooks& hooks) {
  CheckSettings(dense, s, static_cast<bool>(hooks.select));
  const int L = dense.num_blocks();
  BlockModelPruneResult r;
  r.settings = s;
  r.linear_names = dense.LinearNames();
  const int K = static_cast<int>(r.linear_names.size());
  r.blocks.resize(L);

  // 1. Selection statistics from the dense model.
  BlockLinearStats computed;
  if (!hooks.dense_stats) computed = CalibrateBlocks(dense, calibration, s.threads, s.progress);
  const BlockLinearStats& dense_stats = hooks.dense_stats ? *hooks.dense_stats : computed;
  if (static_cast<int>(dense_stats.size()) != L) {
    throw Error(fmt::format("prune: calibration statistics have {} blocks, the model has {}",
                            dense_stats.size(), L));
  }
  std::vector<double> o_raw(L), d_raw(L);
  const std::vector<int> order = dense.OutlierOrder();
  for (int i = 0; i < L; ++i) {
    std::vector<Matrix> metrics;
    for (int k : order) metrics.push_back(WandaMetric(dense.Linear(i, k), dense_stats[i][k]));
    std::vector<const Matrix*> ptrs;
    for (const Matrix& m : metrics) ptrs.push_back(&m);
    r.blocks[i].stats = BlockOutlierStats(ptrs, s.outliers);
    if (!r.blocks[i].stats.locality_defined) {
      r.warnings.push_back(fmt::format("block {}: fewer than 2 outliers, locality set to 0", i));
    }
    o_raw[i] = r.blocks[i].stats.ratio_percent;
    d_raw[i] = r.blocks[i].stats.locality;
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
  r.assignment = hooks.select ? hooks.select(o_norm.values, d_norm.values)
                              : Select(s, L, o_norm.values, d_norm.values);
  if (!r.assignment.exact && s.method != PruneMethod::kUniform && !s.allow_nearest) {
    std::vector<std::string> names;
    for (const NmPattern& p : r.assignment.patterns) names.push_back(p.ToString());
    throw UsageError(fmt::format(
        "--target {}: no assignment reaches it exactly; the closest achievable mean sparsity is "
        "{:.6f} with {} (pass --allow-nearest to use it)",
        s.target, r.assignment.achieved_sparsity, fmt::join(names, ",")));
  }
  if (!r.assignment.layer_patterns.empty()) {
    if (static_cast<int>(r.assignment.layer_patterns.size()) != L) {
      throw Error(fmt::format("prune: per-layer assignment has {} blocks, the model has {}",
                              r.assignment.layer_patterns.size(), L));
    }
    for (const auto& block : r.assignment.layer_patterns) {
      if (static_cast<int>(block.size()) != K) {
        throw Error(fmt::format("prune: per-layer assignment has {} layers in a block, the model has {}",
                                block.size(), K));
      }
    }
  }
  // The pattern of block i's linear layer k.
  auto pattern_of = [&](int i, int k) {
    return r.assignment.layer_patterns.empty() ? r.assignment.patterns[i] : r.assignment.layer_patterns[i][k];
  };
  for (int i = 0; i < L; ++i) {
    for (int k = 0; k < K; ++k) pattern_of(i, k).RequireSupportedBy(s.config, "pattern");
  }
  // A layer with fewer inputs than M keeps min(N, inputs) per row: nothing
  // would be pruned while the target is reported as met. Refuse instead.
  for (int i = 0; i < L; ++i) {
    for (int k = 0; k < K; ++k) {
      const NmPattern p = pattern_of(i, k);
      if (p.dense()) continue;
      const int inputs = dense.Linear(i, k).cols;
      if (inputs < p.m) {
        throw UsageError(fmt::format(
            "pattern {} for block {}: layer {} has {} inputs, fewer than M = {}, so N:M would prune "
            "nothing there; use patterns with M <= {} for this model",
            p.ToString(), i, r.linear_names[k], inputs, p.m, inputs));
      }
    }
  }

  // 3. Sequential pruning and quantisation: block i's statistics come from
  // the blocks before it as they are now (pruned, reconstructed).
  r.pruned = hooks.prune_in_place ? std::move(*hooks.prune_in_place) : dense.CloneModel();
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
    if (!r.assignment.layer_patterns.empty()) r.blocks[i].layer_patterns = r.assignment.layer_patterns[i];
    std::string pattern_text = pattern.ToString();
    if (!r.blocks[i].layer_patterns.empty()) {
      std::vector<std::string> names;
      for (int k = 0; k < K; ++k) names.push_back(fmt::format("{} {}", r.linear_names[k], pattern_of(i, k).ToString()));
      pattern_text = fmt::format("{}", fmt::join(names, ", "));
    }
    if (s.progress) {
      fmt::print(stderr, "prune: block {} -> {}{}{}\n", i, pattern_text,
                 obs ? ", OBS reconstruction" : "",
                 i == 0 ? "" : " (statistics from the pruned blocks before it)");
    }
    // Block 0's inputs are the dense model's: its statistics are the dense ones.
    BlockInputs in;
    if (obs || i > 0) in = stream.Collect(pruned, i, obs, false);
    const std::vector<std::vector<double>>& stats = obs || i > 0 ? in.s : dense_stats[0];
    std::vector<Mask> masks(K);
    std::vector<ObsLayerResult> results(obs ? K : 0);
    if (obs) {
      ParallelFor(K, s.threads, [&](int k) {
        results[k] = ObsPruneLayer(pruned.MutableLinear(i, k), *in.h[k], pattern_of(i, k), s.hardware_legal,
                                   s.config.sel_group(), s.obs);
      });
    }
    for (int k = 0; k < K; ++k) {
      Matrix& w = pruned.MutableLinear(i, k);
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
        const Matrix metric = WandaMetric(w, stats[k]);
        const NmPattern p = pattern_of(i, k);
        masks[k] = p.dense()          ? Mask(w.size(), 1)
                   : s.hardware_legal ? LegalNmMask(metric, p, s.config.sel_group())
                                      : FreeNmMask(metric, p);
        ApplyMask(w, masks[k]);
      }
    }
    // The written model stores the input dtype: compute on with that.
    if (obs) pruned.RoundBlockToStorage(i);
    if (i + 1 < L) stream.Advance(pruned, i);
    for (int k = 0; k < K; ++k) {
      const Matrix& w = pruned.Linear(i, k);
      r.blocks[i].weights += static_cast<int64_t>(w.size());
      r.blocks[i].kept += KeptCount(masks[k]);
      r.blocks[i].tile_passes += golden::LayerTileGrid(s.config, pattern_of(i, k), w.rows, w.cols).count();
      const QuantizedRows q = QuantizeWeights(w, w_bits);
      PrunedLayer layer;
      layer.block = i;
      layer.name = r.linear_names[k];
      layer.rows = w.rows;
      layer.cols = w.cols;
      layer.pattern = pattern_of(i, k);
      layer.mask = std::move(masks[k]);
      layer.weights.assign(q.q.begin(), q.q.end());
      layer.scales.assign(q.scale.begin(), q.scale.end());
      r.container.layers.push_back(std::move(layer));
    }
  }
  return r;
}

}  // namespace flexcim::pruner
