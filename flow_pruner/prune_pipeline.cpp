#include "flow_pruner/prune_pipeline.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

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
    so.max_rounds = s.search_rounds;
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

PruneResult RunPrune(const LlamaModel& dense, const CalibrationStats& dense_stats,
                     const std::vector<std::vector<int>>& calibration, const PruneSettings& s,
                     int w_bits, int a_bits, const std::string& source_model_sha256) {
  return RunPruneFrom(dense, dense_stats, calibration, s, w_bits, a_bits, source_model_sha256, nullptr);
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
  const CalibrationStats dense_stats = Calibrate(model, calibration, copt);
  std::unique_ptr<BlockLinearModel> in_place = std::move(owner);
  return RunPruneFrom(model, dense_stats, calibration, s, w_bits, a_bits, source_model_sha256, &in_place);
}

std::string LayerPatternText(const std::vector<BlockChoice>& blocks) {
  std::string s;
  for (size_t i = 0; i < blocks.size(); ++i) {
    s += fmt::format("Layer {}: {}\n", i, blocks[i].pattern.ToString());
  }
  return s;
}

}  // namespace flexcim::pruner
