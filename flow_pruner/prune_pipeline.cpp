#include "flow_pruner/prune_pipeline.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <optional>

#include "core/errors.h"
#include "flow_pruner/block_pruning.h"
#include "flow_pruner/calibration.h"
#include "flow_pruner/hf_checkpoint.h"
#include "flow_pruner/nm_mask.h"
#include "flow_pruner/quantize.h"

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

double PruneResult::weight_sparsity() const {
  int64_t total = 0, kept = 0;
  for (const auto& b : blocks) {
    total += b.weights;
    kept += b.kept;
  }
  return total > 0 ? 1.0 - static_cast<double>(kept) / total : 0.0;
}

namespace {

// The reference's order for outlier positions: q, k, v, o, gate, up, down.
constexpr LinearKind kReferenceOrder[] = {LinearKind::kQ,  LinearKind::kK,  LinearKind::kV,
                                          LinearKind::kO,  LinearKind::kW1, LinearKind::kW3,
                                          LinearKind::kW2};

std::string AssignmentText(const std::vector<NmPattern>& ps) {
  std::vector<std::string> names;
  for (const NmPattern& p : ps) names.push_back(p.ToString());
  return fmt::format("{}", fmt::join(names, ","));
}

FlowAssignment Select(const PruneSettings& s, const LlamaModel& dense,
                      const std::vector<double>& o_norm, const std::vector<double>& d_norm,
                      const MeasuredCosts* measured, const SearchResult* search) {
  FlowSolverOptions options;
  options.alpha = s.alpha;
  options.beta = s.beta;
  options.candidates = s.candidates.empty() ? SupportedPatterns(s.config) : s.candidates;
  options.target_sparsity = s.target;
  options.forced_dense = s.keep_dense;
  options.forced_mode = s.keep_dense_mode;
  options.locality_direction = s.locality_direction;
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

PruneResult RunPrune(const LlamaModel& dense, const CalibrationStats& dense_stats,
                     const std::vector<std::vector<int>>& calibration, const PruneSettings& s,
                     int w_bits, int a_bits, const std::string& source_model_sha256) {
  CheckSettings(dense, s);
  const int L = dense.config.n_layers;
  if (static_cast<int>(dense_stats.layers.size()) != L) {
    throw Error(fmt::format("prune: calibration statistics have {} blocks, the model has {}",
                            dense_stats.layers.size(), L));
  }
  PruneResult r;
  r.settings = s;
  CalibrationOptions copt;
  copt.threads = s.threads;
  copt.progress = s.progress;
  std::vector<double> o_raw(L), d_raw(L);
  r.blocks.resize(L);
  for (int i = 0; i < L; ++i) {
    std::vector<Matrix> metrics;
    for (LinearKind k : kReferenceOrder) {
      metrics.push_back(WandaMetric(dense.layers[i].linear(k), dense_stats.layers[i][k]));
    }
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
    so.score_samples = s.search_samples;
    so.max_rounds = s.search_rounds;
    so.threads = s.threads;
    so.progress = s.progress;
    r.search = std::make_shared<const SearchResult>(SearchAssignment(dense, calibration, so));
  }
  r.assignment = Select(s, dense, o_norm.values, d_norm.values, r.measured_costs.get(), r.search.get());
  if (!r.assignment.exact && s.method != PruneMethod::kUniform && s.method != PruneMethod::kAssigned &&
      !s.allow_nearest) {
    throw UsageError(fmt::format(
        "--target {}: no assignment reaches it exactly; the closest achievable mean sparsity is "
        "{:.6f} with {} (pass --allow-nearest to use it)",
        s.target, r.assignment.achieved_sparsity, AssignmentText(r.assignment.patterns)));
  }
  for (const NmPattern& p : r.assignment.patterns) p.RequireSupportedBy(s.config, "pattern");
  // A layer with fewer inputs than M keeps min(N, inputs) per row: nothing
  // would be pruned while the target is reported as met. Refuse instead.
  for (int i = 0; i < L; ++i) {
    const NmPattern& p = r.assignment.patterns[i];
    if (p.dense()) continue;
    for (LinearKind k : kAllLinearKinds) {
      const int inputs = dense.layers[i].linear(k).cols;
      if (inputs < p.m) {
        throw UsageError(fmt::format(
            "pattern {} for block {}: layer {} has {} inputs, fewer than M = {}, so N:M would prune "
            "nothing there; use patterns with M <= {} for this model",
            p.ToString(), i, LinearName(k), inputs, p.m, inputs));
      }
    }
  }

  // 3. Sequential pruning and quantisation.
  r.pruned = dense;
  r.container.config = s.config;
  r.container.w_bits = w_bits;
  r.container.a_bits = a_bits;
  r.container.hardware_legal = s.hardware_legal;
  r.container.method = std::string(PruneMethodName(s.method));
  r.container.source_model_sha256 = source_model_sha256;
  CalibrationOptions quiet = copt;
  quiet.progress = false;
  const bool obs = s.reconstruct == Reconstruction::kObs;
  std::optional<CalibrationStream> stream;
  if (obs) stream.emplace(r.pruned, calibration, s.threads);
  for (int i = 0; i < L; ++i) {
    const NmPattern pattern = r.assignment.patterns[i];
    r.blocks[i].pattern = pattern;
    if (s.progress) {
      fmt::print(stderr, "prune: block {} -> {}{}{}\n", i, pattern.ToString(),
                 obs ? ", OBS reconstruction" : "",
                 i == 0 ? "" : " (statistics from the pruned blocks before it)");
    }
    std::array<Mask, kNumLinearKinds> masks;
    if (obs) {
      const BlockHessians hessians = stream->Hessians(r.pruned.layers[i]);
      masks = ReconstructBlockLinears(r.pruned.layers[i], i, hessians, pattern, s.hardware_legal,
                                      s.config.sel_group(), s.threads, r.warnings, s.obs);
      // The written checkpoint stores the input dtype: compute on with that.
      RoundBlockToStorageDtype(r.pruned, i);
      if (i + 1 < L) stream->Advance(r.pruned.layers[i]);
    } else {
      const LayerStats stats =
          i == 0 ? dense_stats.layers[0] : CalibrateLayer(r.pruned, calibration, i, quiet);
      masks = PruneBlockLinears(r.pruned.layers[i], stats, pattern, s.hardware_legal,
                                s.config.sel_group());
    }
    r.blocks[i].tile_passes = BlockTilePasses(s.config, r.pruned.layers[i], pattern);
    if (r.measured_costs) r.blocks[i].measured_cost = r.measured_costs->Cost(i, pattern);
    for (LinearKind k : kAllLinearKinds) {
      const Matrix& w = r.pruned.layers[i].linear(k);
      const Mask& mask = masks[LinearIndex(k)];
      r.blocks[i].weights += static_cast<int64_t>(w.size());
      r.blocks[i].kept += KeptCount(mask);
      const QuantizedRows q = QuantizeWeights(w, w_bits);
      PrunedLayer layer;
      layer.block = i;
      layer.name = std::string(LinearName(k));
      layer.rows = w.rows;
      layer.cols = w.cols;
      layer.pattern = pattern;
      layer.mask = mask;
      layer.weights.assign(q.q.begin(), q.q.end());
      layer.scales.assign(q.scale.begin(), q.scale.end());
      r.container.layers.push_back(std::move(layer));
    }
  }
  return r;
}

std::string LayerPatternText(const PruneResult& r) {
  std::string s;
  for (size_t i = 0; i < r.blocks.size(); ++i) {
    s += fmt::format("Layer {}: {}\n", i, r.blocks[i].pattern.ToString());
  }
  return s;
}

}  // namespace flexcim::pruner
