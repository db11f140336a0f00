#include "flow_pruner/prune_pipeline.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "flow_pruner/block_model_pruning.h"
#include "flow_pruner/calibration.h"
#include "flow_pruner/llama_block_model.h"

namespace flexcim::pruner {

std::string_view PruneMethodName(PruneMethod m) {
  switch (m) {
    case PruneMethod::kFlow: return "flow";
    case PruneMethod::kFlowMeasured: return "flow-measured";
    case PruneMethod::kUniform: return "uniform";
    case PruneMethod::kOwl: return "owl";
    case PruneMethod::kSearch: return "search";
    case PruneMethod::kAssigned: return "assigned";
  }
  return "?";
}

PruneMethod ParsePruneMethod(std::string_view text) {
  if (text == "flow") return PruneMethod::kFlow;
  if (text == "flow-measured") return PruneMethod::kFlowMeasured;
  if (text == "uniform") return PruneMethod::kUniform;
  if (text == "owl") return PruneMethod::kOwl;
  if (text == "search") return PruneMethod::kSearch;
  throw UsageError(
      fmt::format("--method {}: must be one of flow, flow-measured, uniform, owl, search", text));
}

std::string_view ReconstructionName(Reconstruction r) {
  return r == Reconstruction::kObs ? "obs" : "none";
}

Reconstruction ParseReconstruction(std::string_view text) {
  if (text == "none") return Reconstruction::kNone;
  if (text == "obs") return Reconstruction::kObs;
  throw UsageError(fmt::format("--reconstruct {}: must be one of none, obs", text));
}

double WeightSparsity(const std::vector<BlockChoice>& blocks) {
  int64_t total = 0, kept = 0;
  for (const auto& b : blocks) {
    total += b.weights;
    kept += b.kept;
  }
  return total > 0 ? 1.0 - static_cast<double>(kept) / total : 0.0;
}

namespace {

FlowAssignment Select(const PruneSettings& s, const LlamaModel& dense,
                      const std::vector<double>& o_norm, const std::vector<double>& d_norm,
                      const MeasuredCosts* measured, const SearchResult* search) {
  const FlowSolverOptions options = SolverOptions(s);
  const int blocks = static_cast<int>(o_norm.size());
  switch (s.method) {
    case PruneMethod::kFlow: {
      if (s.priority == SelectionPriority::kAccuracy) return SolveFlow(o_norm, d_norm, options);
      // FLOW's block cost (the objective of SolveFlow), then the latency term.
      int max_n = 0, max_m = 0;
      for (const NmPattern& p : options.candidates) {
        max_n = std::max(max_n, p.n);
        max_m = std::max(max_m, p.m);
      }
      const bool figure = s.locality_direction == LocalityDirection::kFigure;
      const BlockCostFunction flow = [&](int b, const NmPattern& p) {
        return BlockCost(p, o_norm[b], figure ? 1.0 - d_norm[b] : d_norm[b], s.alpha, s.beta,
                         max_n, max_m);
      };
      return SolveAssignment(
          blocks, PrioritizedCost(s.priority, flow, s.config, dense, options.candidates), options);
    }
    case PruneMethod::kFlowMeasured: {
      const BlockCostFunction error = [measured](int b, const NmPattern& p) {
        return measured->Cost(b, p);
      };
      return SolveAssignment(
          blocks, PrioritizedCost(s.priority, error, s.config, dense, options.candidates), options);
    }
    case PruneMethod::kOwl:
      if (!s.nm) throw UsageError("--method owl needs --nm N:M (its M is kept for every block)");
      return SolveOwl(o_norm, options, s.nm->m);
    case PruneMethod::kSearch:
      return search->assignment;
    case PruneMethod::kAssigned: {
      if (static_cast<int>(s.assigned.size()) != blocks) {
        throw UsageError(fmt::format("assigned patterns: {} given, the model has {} blocks", s.assigned.size(), blocks));
      }
      FlowAssignment a;
      a.patterns = s.assigned;
      for (const NmPattern& p : a.patterns) a.achieved_sparsity += p.sparsity() / blocks;
      a.target_sparsity = a.achieved_sparsity;
      a.exact = true;  // the given list is the assignment: it meets its own sparsity
      return a;
    }
    case PruneMethod::kUniform:
      if (!s.nm) throw UsageError("--method uniform needs --nm N:M");
      return UniformAssignment(blocks, *s.nm, s.nm->sparsity(), s.keep_dense);
  }
  throw Error("unreachable");
}

void CheckSettings(const LlamaModel& dense, const PruneSettings& s) {
  const int L = dense.config.n_layers;
  if (s.nm) s.nm->RequireSupportedBy(s.config, "--nm");
  for (const NmPattern& p : s.candidates) p.RequireSupportedBy(s.config, "--candidates");
  for (int b : s.keep_dense) {
    if (b < 0 || b >= L) {
      throw UsageError(fmt::format("--keep-dense: block {} does not exist (model has {} blocks)", b, L));
    }
  }
}

}  // namespace

std::vector<NmPattern> PermutationPatterns(const PruneSettings& s) {
  std::vector<NmPattern> pool;
  if ((s.method == PruneMethod::kUniform || s.method == PruneMethod::kOwl) && s.nm) {
    pool = {*s.nm};
  } else if (s.method == PruneMethod::kAssigned) {
    pool = s.assigned;
  } else {
    const std::vector<NmPattern> all = s.candidates.empty() ? SupportedPatterns(s.config) : s.candidates;
    double nearest = 2.0;
    for (const NmPattern& p : all) {
      if (!p.dense()) nearest = std::min(nearest, std::abs(p.sparsity() - s.target));
    }
    for (const NmPattern& p : all) {
      if (!p.dense() && std::abs(p.sparsity() - s.target) <= nearest + 1e-12) pool.push_back(p);
    }
  }
  std::vector<NmPattern> out;
  for (const NmPattern& p : pool) {
    if (p.dense()) continue;
    if (std::none_of(out.begin(), out.end(), [&](const NmPattern& q) { return q.n == p.n && q.m == p.m; })) {
      out.push_back(p);
    }
  }
  return out;
}

PruneResult RunPrune(const LlamaModel& dense, const std::vector<std::vector<int>>& calibration,
                     const PruneSettings& s, int w_bits, int a_bits,
                     const std::string& source_model_sha256) {
  CheckSettings(dense, s);
  // 1. Selection statistics from the dense model.
  CalibrationOptions copt;
  copt.threads = s.threads;
  copt.progress = s.progress;
  const CalibrationStats dense_stats = Calibrate(dense, calibration, copt);
  return RunPrune(dense, dense_stats, calibration, s, w_bits, a_bits, source_model_sha256);
}

namespace {

// RunPrune with the dense statistics; `in_place`: the owner of `dense`, pruned in place.
PruneResult RunPruneFrom(const LlamaModel& dense, const CalibrationStats& dense_stats,
                         const std::vector<std::vector<int>>& calibration, const PruneSettings& s,
                         int w_bits, int a_bits, const std::string& source_model_sha256,
                         std::unique_ptr<BlockLinearModel>* in_place) {
  CheckSettings(dense, s);
  const int L = dense.config.n_layers;
  if (static_cast<int>(dense_stats.layers.size()) != L) {
    throw Error(fmt::format("prune: calibration statistics have {} blocks, the model has {}",
                            dense_stats.layers.size(), L));
  }
  PruneResult r;
  r.settings = s;
  // The Llama-only selections: costs measured by running the model, the
  // measured-loss search.
  if (s.method == PruneMethod::kFlowMeasured) {
    r.measured_costs = s.measured_costs;
    if (!r.measured_costs) {
      MeasureOptions mopt;
      mopt.hardware_legal = s.hardware_legal;
      mopt.sel_group = s.config.sel_group();
      mopt.threads = s.threads;
      mopt.progress = s.progress;
      r.measured_costs = std::make_shared<const MeasuredCosts>(MeasureBlockCosts(
          dense, dense_stats, calibration,
          s.candidates.empty() ? SupportedPatterns(s.config) : s.candidates, mopt));
    }
  }
  if (r.measured_costs && s.progress) {
    const MeasuredCosts& m = *r.measured_costs;
    for (size_t i = 0; i < m.loss_delta.size(); ++i) {
      std::vector<std::string> items;
      for (size_t k = 0; k < m.candidates.size(); ++k) {
        items.push_back(fmt::format("{} {:+.4f} ({:.3f})", m.candidates[k].ToString(),
                                    m.loss_delta[i][k], m.output_error[i][k]));
      }
      fmt::print(stderr, "prune: block {} measured loss increase (output error): {}\n", i, fmt::join(items, ", "));
    }
  }
  if (s.method == PruneMethod::kSearch) {
    SearchOptions so;
    so.candidates = s.candidates.empty() ? SupportedPatterns(s.config) : s.candidates;
    so.target = s.target;
    so.keep_dense = s.keep_dense;
    so.hardware_legal = s.hardware_legal;
    so.sel_group = s.config.sel_group();
    so.reconstruct = s.reconstruct == Reconstruction::kObs;
    so.obs = s.obs;
    // Variants only rank assignments: SparseGPT's pass without the CG
    // refinement (3x cheaper); the chosen assignment is pruned with s.obs.
    so.obs.refine_iterations = 0;
    so.obs.reselect_iterations = 0;
    so.granularity = s.search_granularity;
    so.score_samples = s.search_samples;
    so.score_blocks = s.search_score_blocks;
    so.max_rounds = s.search_rounds;
    so.moves_per_round = s.search_moves;
    so.threads = s.threads;
    so.progress = s.progress;
    r.search = std::make_shared<const SearchResult>(SearchAssignment(dense, calibration, so));
  }

  // Everything else is the family-neutral flow (block_model_pruning.h) on
  // the model seen as blocks of linear layers.
  BlockLinearStats stats(L);
  for (int i = 0; i < L; ++i) {
    for (LinearKind k : kAllLinearKinds) stats[i].push_back(dense_stats.layers[i][k]);
  }
  BlockPruneHooks hooks;
  hooks.dense_stats = &stats;
  hooks.prune_in_place = in_place;
  hooks.select = [&](const std::vector<double>& o_norm, const std::vector<double>& d_norm) {
    return Select(s, dense, o_norm, d_norm, r.measured_costs.get(), r.search.get());
  };
  BlockModelPruneResult flow = RunBlockModelPrune(LlamaBlockModel::View(dense), calibration, s, w_bits,
                                                  a_bits, source_model_sha256, hooks);
  r.blocks = std::move(flow.blocks);
  r.assignment = std::move(flow.assignment);
  r.normalisation_degenerate_o = flow.normalisation_degenerate_o;
  r.normalisation_degenerate_d = flow.normalisation_degenerate_d;
  r.warnings = std::move(flow.warnings);
  r.pruned = std::move(static_cast<LlamaBlockModel&>(*flow.pruned).owned_model());
  r.container = std::move(flow.container);
  if (r.measured_costs) {
    for (int i = 0; i < L; ++i) r.blocks[i].measured_cost = r.measured_costs->Cost(i, r.blocks[i].pattern);
  }
  return r;
}

}  // namespace

namespace {

// Permutes `model` and `stats` as s.permute_channels asks (nothing for
// none, free masks or G = 1, where a select group has one output).
std::optional<ChannelPermutationReport> PermuteForSharedMasks(LlamaModel& model, CalibrationStats& stats,
                                                              const PruneSettings& s) {
  if (s.permute_channels == ChannelPermutationMethod::kNone) return std::nullopt;
  const int g = s.hardware_legal ? s.config.sel_group() : 1;
  const std::vector<NmPattern> patterns = PermutationPatterns(s);
  ChannelPermutationReport report = PermuteChannelsForSharedMasks(model, stats, patterns, g, s.permute_channels, s.threads);
  if (s.progress) {
    std::vector<std::string> names;
    for (const NmPattern& p : patterns) names.push_back(p.ToString());
    auto change = [](double before, double after) {
      return before > 0 ? fmt::format("{:+.2f}%", 100.0 * (after - before) / before) : std::string("-");
    };
    if (report.residual_before > 0) {
      fmt::print(stderr,
                 "prune: residual stream {} ({}, G={}): legal-mask dropped importance of wq wk wv w1 w3 "
                 "(each normalised) {:.4f} -> {:.4f} ({})\n",
                 report.residual.empty() ? "kept" : "permuted", fmt::join(names, ","), g, report.residual_before,
                 report.residual_after, change(report.residual_before, report.residual_after));
    }
    for (size_t b = 0; b < report.effects.size(); ++b) {
      const BlockPermutationEffect& e = report.effects[b];
      fmt::print(stderr,
                 "prune: block {} channel permutation ({}, G={}): legal-mask dropped importance "
                 "w1+w3+wv {:.4g} -> {:.4g} ({}; G=1: {:.4g}), w2+wo (K permuted) {:.4g} -> {:.4g} ({})\n",
                 b, fmt::join(names, ","), g, e.rows_before, e.rows_after, change(e.rows_before, e.rows_after), e.rows_free,
                 e.k_moved_before, e.k_moved_after, change(e.k_moved_before, e.k_moved_after));
    }
  }
  return report;
}

}  // namespace

PruneResult RunPrune(const LlamaModel& dense, const CalibrationStats& dense_stats,
                     const std::vector<std::vector<int>>& calibration, const PruneSettings& s,
                     int w_bits, int a_bits, const std::string& source_model_sha256) {
  if (s.permute_channels == ChannelPermutationMethod::kNone) {
    return RunPruneFrom(dense, dense_stats, calibration, s, w_bits, a_bits, source_model_sha256, nullptr);
  }
  CheckSettings(dense, s);
  LlamaModel permuted = dense;
  CalibrationStats permuted_stats = dense_stats;
  std::optional<ChannelPermutationReport> permutation = PermuteForSharedMasks(permuted, permuted_stats, s);
  PruneResult r =
      RunPruneFrom(permuted, permuted_stats, calibration, s, w_bits, a_bits, source_model_sha256, nullptr);
  r.permutation = std::move(permutation);
  return r;
}

PruneResult RunPruneInPlace(LlamaModel&& dense, const std::vector<std::vector<int>>& calibration,
                            const PruneSettings& s, int w_bits, int a_bits,
                            const std::string& source_model_sha256) {
  auto owner = std::make_unique<LlamaBlockModel>(std::move(dense));
  const LlamaModel& model = owner->owned_model();
  CheckSettings(model, s);
  CalibrationOptions copt;
  copt.threads = s.threads;
  copt.progress = s.progress;
  CalibrationStats dense_stats = Calibrate(model, calibration, copt);
  std::optional<ChannelPermutationReport> permutation =
      PermuteForSharedMasks(owner->owned_model(), dense_stats, s);
  std::unique_ptr<BlockLinearModel> in_place = std::move(owner);
  PruneResult r =
      RunPruneFrom(model, dense_stats, calibration, s, w_bits, a_bits, source_model_sha256, &in_place);
  r.permutation = std::move(permutation);
  return r;
}

std::string LayerPatternText(const std::vector<BlockChoice>& blocks) {
  std::string s;
  for (size_t i = 0; i < blocks.size(); ++i) {
    s += fmt::format("Layer {}: {}\n", i, blocks[i].pattern.ToString());
  }
  return s;
}

}  // namespace flexcim::pruner
