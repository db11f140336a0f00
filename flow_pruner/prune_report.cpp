#include "flow_pruner/prune_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/errors.h"
#include "core/output_directory.h"
#include "core/svg_chart.h"
#include "flow_pruner/nm_mask.h"

namespace flexcim::pruner {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string PatternList(const std::vector<NmPattern>& ps) {
  std::string s;
  for (size_t i = 0; i < ps.size(); ++i) {
    if (i) s += ',';
    s += ps[i].ToString();
  }
  return s;
}

struct MaskColumn {
  std::string name;     // "free" / "G=4"
  MacroConfig config;   // G = the column's G (free: the base config)
  bool legal = false;
};

std::vector<MaskColumn> MaskColumns(const ReportSettings& s) {
  std::vector<MaskColumn> cols;
  if (s.free_column) cols.push_back({"free", s.base.config, false});
  const MacroConfig& b = s.base.config;
  for (int g : s.groups) {
    cols.push_back({fmt::format("G={}", g),
                    MacroConfig::Create({.subs = b.subs(), .rows = b.rows(), .cols = b.cols(), .sel_group = g, .a_bits = b.a_bits(), .w_bits = b.w_bits()}),
                    true});
  }
  return cols;
}

bool AllMasksLegal(const PrunedContainer& c, int sel_group) {
  for (const PrunedLayer& l : c.layers) {
    if (l.pattern.dense()) continue;
    if (!IsLegalMask(l.mask, l.rows, l.cols, l.pattern, sel_group, nullptr)) return false;
  }
  return true;
}

// Why a row cannot be pruned at all, before any work (empty: it can).
std::string UnrunnableReason(const ReportRow& row, const std::optional<NmPattern>& nm,
                             const ReportSettings& s) {
  const MacroConfig& config = s.base.config;
  if (row.method == "uniform" && !nm->SupportedBy(config)) {
    return fmt::format("macro {} cannot run {}", config.Name(), nm->ToString());
  }
  if (row.method == "owl") {
    const auto candidates = s.base.candidates.empty() ? SupportedPatterns(config) : s.base.candidates;
    bool any = false;
    for (const NmPattern& p : candidates) any = any || p.m == s.owl_m;
    if (!any) return fmt::format("no candidate pattern has M={}", s.owl_m);
  }
  return {};
}

// The target verdicts (see ReportTarget), from the G = C column.
std::vector<ReportTarget> TargetVerdicts(const PruneReport& rep, const ReportSettings& s) {
  std::vector<ReportTarget> out;
  const std::string column = fmt::format("G={}", s.base.config.cols());
  const auto it = std::find(rep.mask_columns.begin(), rep.mask_columns.end(), column);
  if (it == rep.mask_columns.end()) return out;
  const size_t ci = static_cast<size_t>(it - rep.mask_columns.begin());
  for (double t : s.targets) {
    ReportTarget v;
    v.target = t;
    v.column = column;
    for (const ReportRow& r : rep.rows) {
      if (r.skipped || r.cells.size() <= ci) continue;
      const double ppl = r.cells[ci].fp32.perplexity();
      if (r.method == "uniform" && std::fabs(r.block_sparsity - t) < 1e-9) {
        if (!v.best_uniform || ppl < v.best_uniform_perplexity) {
          v.best_uniform = r.name;
          v.best_uniform_perplexity = ppl;
        }
      }
      if (r.method != "uniform" && r.method != "dense" && r.target && *r.target == t && r.exact) {
        if (!v.best_choice || ppl < v.best_choice_perplexity) {
          v.best_choice = r.name;
          v.best_choice_perplexity = ppl;
        }
      }
    }
    if (!v.best_choice) {
      v.verdict = fmt::format("no selection choice reached sparsity {} exactly", t);
    } else if (!v.best_uniform) {
      v.verdict = fmt::format(
          "no uniform N:M pattern of macro {} has mean sparsity {}, so there is no same-sparsity "
          "uniform baseline; the best selection choice is {} at {:.2f}",
          s.base.config.Name(), t, *v.best_choice, v.best_choice_perplexity);
    } else {
      v.improvement = 1.0 - v.best_choice_perplexity / v.best_uniform_perplexity;
      v.met = v.improvement >= 0.2;
      v.verdict = v.met ? fmt::format("met: {} ({:.2f}) is {:.1f}% below {} ({:.2f})", *v.best_choice,
                                      v.best_choice_perplexity, 100 * v.improvement,
                                      *v.best_uniform, v.best_uniform_perplexity)
                        : fmt::format("not met: the best selection choice, {} ({:.2f}), is {:.1f}% "
                                      "{} {} ({:.2f}); 20% below needs <= {:.2f}, it misses by "
                                      "{:.1f} percentage points",
                                      *v.best_choice, v.best_choice_perplexity,
                                      100 * std::fabs(v.improvement),
                                      v.improvement >= 0 ? "below" : "above", *v.best_uniform,
                                      v.best_uniform_perplexity, 0.8 * v.best_uniform_perplexity,
                                      100 * (0.2 - v.improvement));
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

std::vector<ReportSelector> DefaultReportSelectors() {
  using D = LocalityDirection;
  using P = SelectionPriority;
  return {{"FLOW", PruneMethod::kFlow, D::kCode, P::kAccuracy},
          {"FLOW figure", PruneMethod::kFlow, D::kFigure, P::kAccuracy},
          {"FLOW latency", PruneMethod::kFlow, D::kCode, P::kLatency},
          {"FLOW balanced", PruneMethod::kFlow, D::kCode, P::kBalanced},
          {"FLOW-measured", PruneMethod::kFlowMeasured, D::kCode, P::kAccuracy},
          {"FLOW-measured latency", PruneMethod::kFlowMeasured, D::kCode, P::kLatency},
          {"FLOW-measured balanced", PruneMethod::kFlowMeasured, D::kCode, P::kBalanced}};
}

std::vector<ReportSelector> ReportSelectorsNamed(const std::string& names) {
  const std::vector<ReportSelector> all = DefaultReportSelectors();
  std::string allowed;
  for (const ReportSelector& r : all) allowed += (allowed.empty() ? "" : ", ") + r.name;
  std::vector<ReportSelector> out;
  size_t start = 0;
  while (start <= names.size()) {
    size_t comma = names.find(',', start);
    if (comma == std::string::npos) comma = names.size();
    const std::string item = names.substr(start, comma - start);
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](const ReportSelector& r) { return r.name == item; });
    if (it == all.end()) {
      throw UsageError(fmt::format("--report-selectors {}: '{}' must be one of {}", names, item, allowed));
    }
    out.push_back(*it);
    start = comma + 1;
  }
  return out;
}

std::vector<int> AllSelectGroups(int cols) {
  std::vector<int> groups;
  for (int g = 1; g <= cols; g *= 2) groups.push_back(g);
  return groups;
}

PruneReport BuildPruneReport(const LlamaModel& dense, const CalibrationStats& dense_stats,
                             const std::vector<std::vector<int>>& calibration,
                             const std::vector<std::vector<int>>& evaluation,
                             const ReportSettings& s, const std::string& source_model_sha256) {
  const auto start = Clock::now();
  for (double t : s.targets) {
    if (!(t >= 0.0 && t < 1.0)) throw UsageError(fmt::format("--report-targets {}: must be in [0, 1)", t));
  }
  const std::vector<MaskColumn> columns = MaskColumns(s);

  PruneReport report;
  const LlamaConfig& dc = dense.config;
  report.model = {s.model_name, dc.n_layers, dc.dim, dc.hidden_dim, dc.n_heads, dc.n_kv_heads};
  report.macro = s.base.config.Name();
  report.calib_blocks = s.calib_blocks;
  report.eval_blocks = s.eval_blocks;
  report.quant = s.quant;
  for (const MaskColumn& c : columns) report.mask_columns.push_back(c.name);

  // The rows, in table order, with the pattern (uniform) each one needs and
  // the settings variant it runs with (the dense row: none). Every pruned
  // row is repeated for each variant: one more axis of the report.
  struct PlannedRow {
    ReportRow row;
    std::optional<NmPattern> nm;
    const ReportVariant* variant = nullptr;
  };
  std::vector<PlannedRow> plan;
  {
    ReportRow row;
    row.name = "dense";
    row.method = "dense";
    plan.push_back({row, std::nullopt, nullptr});
  }
  if (s.variants.empty()) throw UsageError("report: no settings variant to run the pruned rows with");
  for (const ReportVariant& variant : s.variants) {
    const std::string suffix = variant.name.empty() ? "" : " [" + variant.name + "]";
    for (const NmPattern& p : s.uniform) {
      ReportRow row;
      row.name = "uniform " + p.ToString() + suffix;
      row.method = "uniform";
      row.variant = variant.name;
      plan.push_back({row, p, &variant});
    }
    for (double t : s.targets) {
      ReportRow row;
      row.name = fmt::format("OWL-style M={}", s.owl_m) + suffix;
      row.method = "owl";
      row.variant = variant.name;
      row.target = t;
      plan.push_back({row, std::nullopt, &variant});
    }
    for (const ReportSelector& sel : s.selectors) {
      for (double t : s.targets) {
        ReportRow row;
        row.name = sel.name + suffix;
        row.method = std::string(PruneMethodName(sel.method));
        row.variant = variant.name;
        row.selector = sel;
        row.target = t;
        plan.push_back({row, std::nullopt, &variant});
      }
    }
  }

  const int total_cells = static_cast<int>(plan.size() * columns.size());
  int cell_index = 0;
  const auto progress = [&](const ReportRow& row, const std::string& masks, const std::string& what,
                            Clock::time_point cell_start) {
    ++cell_index;
    if (!s.progress) return;
    fmt::print(stderr, "report [{:>{}}/{}] {}{}, {}: {} ({:.1f} s, {:.1f} s total)\n", cell_index,
               fmt::formatted_size("{}", total_cells), total_cells, row.name,
               row.target ? fmt::format(" @{}", *row.target) : "", masks, what,
               SecondsSince(cell_start), SecondsSince(start));
  };

  PerplexityOptions popt;
  popt.threads = s.base.threads;
  popt.progress = false;
  const auto evaluate = [&](const LlamaModel& model, ReportCell& cell) {
    cell.fp32 = EvaluatePerplexity(model, evaluation, popt);
    cell.quantized = EvaluateQuantized(model, evaluation, s.quant, popt);
  };
  const std::string quant_name = fmt::format("W{}A{}", s.quant.w_bits, s.quant.a_bits);
  // flow-measured rows share one measurement: legal masks for the macro's G
  // (the hardware the selection is for), so a row's patterns do not depend
  // on the mask column.
  const auto measured = [&]() {
    if (!report.measured_costs) {
      MeasureOptions mopt;
      mopt.hardware_legal = true;
      mopt.sel_group = s.base.config.sel_group();
      mopt.threads = s.base.threads;
      mopt.progress = s.progress;
      report.measured_costs = std::make_shared<const MeasuredCosts>(MeasureBlockCosts(
          dense, dense_stats, calibration,
          s.base.candidates.empty() ? SupportedPatterns(s.base.config) : s.base.candidates, mopt));
    }
    return report.measured_costs;
  };

  for (auto& [row, nm, variant] : plan) {
    if (row.method == "dense") {
      const auto t0 = Clock::now();
      ReportCell cell;
      evaluate(dense, cell);
      cell.legal = true;
      report.eval_sequences = cell.fp32.sequences;
      report.eval_predictions = cell.fp32.predictions;
      for (const MaskColumn& c : columns) {
        cell.masks = c.name;
        row.cells.push_back(cell);
        progress(row, c.name,
                 fmt::format("ppl {:.4f}, {} {:.4f}", cell.fp32.perplexity(), quant_name,
                             cell.quantized.perplexity()),
                 t0);
      }
      report.rows.push_back(row);
      continue;
    }
    if (const std::string why = UnrunnableReason(row, nm, s); !why.empty()) {
      row.skipped = why;
      for (const MaskColumn& c : columns) progress(row, c.name, "skipped: " + why, Clock::now());
      report.rows.push_back(row);
      continue;
    }
    for (size_t ci = 0; ci < columns.size(); ++ci) {
      const MaskColumn& c = columns[ci];
      const auto t0 = Clock::now();
      PruneSettings ps = s.base;
      ps.method = ParsePruneMethod(row.method);
      ps.target = row.target.value_or(nm ? nm->sparsity() : 0.0);
      if (row.method == "owl") ps.nm = NmPattern{s.owl_m, s.owl_m};
      if (row.method == "uniform") ps.nm = nm;
      if (row.selector) {
        ps.locality_direction = row.selector->direction;
        ps.priority = row.selector->priority;
        if (row.selector->method == PruneMethod::kFlowMeasured) ps.measured_costs = measured();
      }
      ps.config = c.config;
      ps.hardware_legal = c.legal;
      if (variant->apply) variant->apply(ps);
      ps.progress = false;
      // Selection never depends on the masks: decide reachability once.
      ps.allow_nearest = true;
      const PruneResult r = RunPrune(dense, dense_stats, calibration, ps, s.quant.w_bits,
                                     s.quant.a_bits, source_model_sha256);
      if (ci == 0) {
        row.patterns = r.assignment.patterns;
        row.block_sparsity = r.block_sparsity();
        row.exact = r.assignment.exact;
        for (const BlockChoice& b : r.blocks) row.tile_passes += b.tile_passes;
        if (report.blocks.empty()) {
          for (const BlockChoice& b : r.blocks) {
            report.blocks.push_back({b.stats.ratio_percent, b.stats.locality, b.outlier_norm,
                                     b.locality_norm});
          }
        }
        if (!r.assignment.exact && row.method != "uniform" && !s.base.allow_nearest) {
          row.skipped = fmt::format("target not reachable; closest achievable {:.6f} with {}",
                                    r.block_sparsity(), PatternList(r.assignment.patterns));
          for (const MaskColumn& cc : columns) progress(row, cc.name, "skipped: " + *row.skipped, t0);
          break;
        }
      } else if (r.assignment.patterns != row.patterns) {
        throw Error(fmt::format("report: {} chose different patterns for {} masks", row.name, c.name));
      }
      ReportCell cell;
      cell.masks = c.name;
      cell.weight_sparsity = r.weight_sparsity();
      cell.legal = AllMasksLegal(r.container, c.config.sel_group());
      if (c.legal && !cell.legal) {
        throw Error(fmt::format("report: {} produced an illegal mask for {}", row.name, c.name));
      }
      evaluate(r.pruned, cell);
      progress(row, c.name,
               fmt::format("ppl {:.4f}, {} {:.4f}", cell.fp32.perplexity(), quant_name,
                           cell.quantized.perplexity()),
               t0);
      row.cells.push_back(std::move(cell));
    }
    report.rows.push_back(row);
  }
  if (report.blocks.empty()) {
    // No pruned row ran: the block statistics still come from the dense model.
    PruneSettings ps = s.base;
    ps.method = PruneMethod::kUniform;
    ps.nm = NmPattern{2, 2};
    ps.progress = false;
    const PruneResult r = RunPrune(dense, dense_stats, calibration, ps, s.quant.w_bits,
                                   s.quant.a_bits, source_model_sha256);
    for (const BlockChoice& b : r.blocks) {
      report.blocks.push_back({b.stats.ratio_percent, b.stats.locality, b.outlier_norm, b.locality_norm});
    }
  }
  report.verdicts = TargetVerdicts(report, s);
  report.seconds = SecondsSince(start);
  return report;
}

namespace {

std::string TargetText(const ReportRow& r) { return r.target ? fmt::format("{}", *r.target) : "-"; }

std::string PatternsText(const ReportRow& r) {
  if (r.method == "dense") return "-";
  bool same = !r.patterns.empty();
  for (const NmPattern& p : r.patterns) same = same && p == r.patterns.front();
  if (same) return fmt::format("{} (all)", r.patterns.front().ToString());
  return PatternList(r.patterns);
}

}  // namespace

std::string PruneReportMarkdown(const PruneReport& rep) {
  const std::string q = fmt::format("W{}A{}", rep.quant.w_bits, rep.quant.a_bits);
  std::string s = "# FLOW pruning report\n\n";
  s += fmt::format(
      "Model {} ({} blocks, dim {}, hidden {}). "
      "Perplexity on text blocks {} ({} sequences, {} predictions); calibration blocks {}; "
      "macro {} (legal masks: the select group G of each column). `{}` = weights fake-quantised "
      "per output channel to {} bits and every linear layer's input per token to {} bits. "
      "Sparsity = achieved mean over blocks of (M-N)/M, as applied.\n\n",
      rep.model.name, rep.model.blocks, rep.model.dim, rep.model.hidden, rep.eval_blocks,
      rep.eval_sequences, rep.eval_predictions, rep.calib_blocks, rep.macro, q,
      rep.quant.w_bits, rep.quant.a_bits);
  s += "| model | target | sparsity | tile passes | N:M per block |";
  std::string rule = "|---|---|---|---:|---|";
  for (const std::string& c : rep.mask_columns) {
    s += fmt::format(" {} | {} {} |", c, c, q);
    rule += "---:|---:|";
  }
  s += "\n" + rule + "\n";
  for (const ReportRow& r : rep.rows) {
    if (r.skipped) {
      s += fmt::format("| {} | {} | - | - | {} |", r.name, TargetText(r), *r.skipped);
      for (size_t i = 0; i < rep.mask_columns.size(); ++i) s += " skipped | skipped |";
      s += "\n";
      continue;
    }
    s += fmt::format("| {} | {} | {:.4f}{} | {} | {} |", r.name, TargetText(r), r.block_sparsity,
                     r.exact || r.method == "uniform" ? "" : " (nearest)",
                     r.method == "dense" ? "-" : fmt::format("{}", r.tile_passes), PatternsText(r));
    for (const ReportCell& c : r.cells) {
      s += fmt::format(" {:.4f} | {:.4f} |", c.fp32.perplexity(), c.quantized.perplexity());
    }
    s += "\n";
  }
  if (!rep.verdicts.empty()) {
    s += fmt::format(
        "\n## Target: a selection choice >= 20% below the best uniform pattern ({}, same mean "
        "sparsity, unquantised)\n\n",
        rep.verdicts.front().column);
    for (const ReportTarget& v : rep.verdicts) {
      s += fmt::format("- sparsity {}: {}\n", v.target, v.verdict);
    }
  }
  if (rep.measured_costs) {
    const MeasuredCosts& m = *rep.measured_costs;
    s += fmt::format(
        "\n## Measured block costs (flow-measured): calibration loss increase d_i(p) in nats "
        "(relative output error r_i(p) in brackets), block i alone pruned, legal masks G={}, {} "
        "calibration samples, dense NLL {:.4f}\n\n| block |",
        m.sel_group, m.samples, m.dense_nll);
    std::string rule3 = "|---:|";
    for (const NmPattern& p : m.candidates) {
      s += fmt::format(" {} |", p.ToString());
      rule3 += "---:|";
    }
    s += "\n" + rule3 + "\n";
    for (size_t i = 0; i < m.loss_delta.size(); ++i) {
      s += fmt::format("| {} |", i);
      for (size_t k = 0; k < m.candidates.size(); ++k) {
        s += fmt::format(" {:+.4f} ({:.3f}) |", m.loss_delta[i][k], m.output_error[i][k]);
      }
      s += "\n";
    }
  }
  s += "\n## Per-block statistics (dense calibration) and FLOW's choice\n\n";
  s += "| block | O_i (%) | D_i | O_i norm | D_i norm |";
  std::string rule2 = "|---:|---:|---:|---:|---:|";
  std::vector<const ReportRow*> flow;
  for (const ReportRow& r : rep.rows) {
    if (r.method.starts_with("flow") && !r.skipped) {
      flow.push_back(&r);
      s += fmt::format(" {} @{} |", r.name, *r.target);
      rule2 += "---|";
    }
  }
  s += "\n" + rule2 + "\n";
  for (size_t i = 0; i < rep.blocks.size(); ++i) {
    const ReportBlockStats& b = rep.blocks[i];
    s += fmt::format("| {} | {:.4f} | {:.4e} | {:.3f} | {:.3f} |", i, b.outlier_ratio_percent,
                     b.locality, b.outlier_norm, b.locality_norm);
    for (const ReportRow* r : flow) s += fmt::format(" {} |", r->patterns[i].ToString());
    s += "\n";
  }
  s += fmt::format(
      "\nFree masks ignore the select group (the same model in every G). The dense row is the "
      "same model in every column. Report time {:.1f} s.\n",
      rep.seconds);
  return s;
}

nlohmann::json PruneReportJson(const PruneReport& rep) {
  nlohmann::json j;
  j["model"] = {{"name", rep.model.name},   {"blocks", rep.model.blocks},
                {"dim", rep.model.dim},     {"hidden", rep.model.hidden},
                {"heads", rep.model.heads}, {"kv_heads", rep.model.kv_heads}};
  j["macro"] = rep.macro;
  j["calib_blocks"] = rep.calib_blocks;
  j["eval_blocks"] = rep.eval_blocks;
  j["eval_sequences"] = rep.eval_sequences;
  j["eval_predictions"] = rep.eval_predictions;
  j["quantized_bits"] = {{"w", rep.quant.w_bits}, {"a", rep.quant.a_bits}};
  j["mask_columns"] = rep.mask_columns;
  j["rows"] = nlohmann::json::array();
  for (const ReportRow& r : rep.rows) {
    nlohmann::json row = {{"name", r.name}, {"method", r.method}, {"variant", r.variant}};
    row["target"] = r.target ? nlohmann::json(*r.target) : nlohmann::json(nullptr);
    row["skipped"] = r.skipped ? nlohmann::json(*r.skipped) : nlohmann::json(nullptr);
    nlohmann::json patterns = nlohmann::json::array();
    for (const NmPattern& p : r.patterns) patterns.push_back(p.ToString());
    row["patterns"] = patterns;
    row["block_sparsity"] = r.block_sparsity;
    row["tile_passes"] = r.tile_passes;
    if (r.selector) {
      row["locality_direction"] = std::string(LocalityDirectionName(r.selector->direction));
      row["prioritize"] = std::string(SelectionPriorityName(r.selector->priority));
    }
    row["exact"] = r.exact;
    row["cells"] = nlohmann::json::array();
    for (const ReportCell& c : r.cells) {
      row["cells"].push_back({{"masks", c.masks},
                              {"perplexity", c.fp32.perplexity()},
                              {"mean_nll", c.fp32.mean_nll()},
                              {"quantized_perplexity", c.quantized.perplexity()},
                              {"quantized_mean_nll", c.quantized.mean_nll()},
                              {"weight_sparsity", c.weight_sparsity},
                              {"legal", c.legal}});
    }
    j["rows"].push_back(row);
  }
  j["blocks"] = nlohmann::json::array();
  for (const ReportBlockStats& b : rep.blocks) {
    j["blocks"].push_back({{"outlier_ratio_percent", b.outlier_ratio_percent},
                           {"locality", b.locality},
                           {"outlier_ratio_norm", b.outlier_norm},
                           {"locality_norm", b.locality_norm}});
  }
  j["targets"] = nlohmann::json::array();
  for (const ReportTarget& v : rep.verdicts) {
    j["targets"].push_back(
        {{"target", v.target},
         {"column", v.column},
         {"best_uniform", v.best_uniform ? nlohmann::json(*v.best_uniform) : nlohmann::json(nullptr)},
         {"best_uniform_perplexity", v.best_uniform_perplexity},
         {"best_choice", v.best_choice ? nlohmann::json(*v.best_choice) : nlohmann::json(nullptr)},
         {"best_choice_perplexity", v.best_choice_perplexity},
         {"improvement", v.improvement},
         {"met", v.met},
         {"verdict", v.verdict}});
  }
  if (rep.measured_costs) {
    nlohmann::json m;
    m["sel_group"] = rep.measured_costs->sel_group;
    m["samples"] = rep.measured_costs->samples;
    m["candidates"] = nlohmann::json::array();
    for (const NmPattern& p : rep.measured_costs->candidates) m["candidates"].push_back(p.ToString());
    m["dense_nll"] = rep.measured_costs->dense_nll;
    m["loss_delta"] = rep.measured_costs->loss_delta;
    m["output_error"] = rep.measured_costs->output_error;
    j["measured_costs"] = m;
  }
  j["seconds"] = rep.seconds;
  return j;
}

std::string PruneReportSvg(const PruneReport& rep) {
  std::vector<std::string> blocks;
  for (size_t i = 0; i < rep.blocks.size(); ++i) blocks.push_back(fmt::format("block {}", i));

  Chart nm;
  nm.title = "FLOW: N:M per block (bar height = sparsity (M-N)/M)";
  nm.x_label = "transformer block";
  nm.y_label = "sparsity";
  nm.categories = blocks;
  nm.y_min = 0.0;
  nm.y_max = 1.0;
  for (const ReportRow& r : rep.rows) {
    if (r.method != "flow" || r.skipped || r.name != "FLOW") continue;
    ChartSeries series{fmt::format("target {}", *r.target), {}, {}, {}};
    for (const NmPattern& p : r.patterns) {
      series.values.push_back(p.sparsity());
      series.point_labels.push_back(p.ToString());
    }
    nm.series.push_back(std::move(series));
  }

  Chart o;
  o.title = "Outlier ratio O_i (% of metrics > Hyper_m * mean)";
  o.x_label = "transformer block";
  o.y_label = "O_i (%)";
  o.categories = blocks;
  ChartSeries o_series{"O_i", {}, {}, {}};
  for (const ReportBlockStats& b : rep.blocks) {
    o_series.values.push_back(b.outlier_ratio_percent);
    o_series.point_labels.push_back(fmt::format("{:.3f}", b.outlier_ratio_percent));
  }
  o.series.push_back(std::move(o_series));

  Chart norm;
  norm.kind = ChartKind::kLine;
  norm.title = "Normalised O_i and D_i (labels: raw D_i = 1 / mean outlier distance)";
  norm.x_label = "transformer block";
  norm.y_label = "min-max normalised";
  norm.categories = blocks;
  norm.y_min = 0.0;
  norm.y_max = 1.0;
  ChartSeries on{"O_i norm", {}, {}, {}}, dn{"D_i norm", {}, {}, {}};
  for (const ReportBlockStats& b : rep.blocks) {
    on.values.push_back(b.outlier_norm);
    dn.values.push_back(b.locality_norm);
    dn.point_labels.push_back(fmt::format("{:.3g}", b.locality));
  }
  norm.series = {std::move(on), std::move(dn)};

  constexpr int kWidth = 900, kPanel = 320;
  const int panels = nm.series.empty() ? 2 : 3;
  SvgCanvas canvas(kWidth, kPanel * panels);
  int y = 0;
  if (!nm.series.empty()) {
    canvas.Draw(nm, 0, y, kWidth, kPanel);
    y += kPanel;
  }
  canvas.Draw(o, 0, y, kWidth, kPanel);
  canvas.Draw(norm, 0, y + kPanel, kWidth, kPanel);
  return canvas.Render();
}

namespace {

// The sparsity a row's panel is keyed by: its target (OWL-style, FLOW...)
// or its pattern's sparsity (uniform).
std::optional<double> PanelSparsity(const ReportRow& r) {
  if (r.skipped || r.method == "dense") return std::nullopt;
  if (r.target) return *r.target;
  return r.block_sparsity;
}

struct GroupPanel {
  double sparsity;
  std::vector<const ReportRow*> rows;
};

std::vector<GroupPanel> GroupPanels(const PruneReport& rep) {
  std::vector<GroupPanel> panels;
  for (const ReportRow& r : rep.rows) {
    const std::optional<double> sp = PanelSparsity(r);
    if (!sp) continue;
    auto it = std::find_if(panels.begin(), panels.end(),
                           [&](const GroupPanel& p) { return std::fabs(p.sparsity - *sp) < 1e-9; });
    if (it == panels.end()) {
      panels.push_back({*sp, {}});
      it = panels.end() - 1;
    }
    it->rows.push_back(&r);
  }
  std::sort(panels.begin(), panels.end(),
            [](const GroupPanel& a, const GroupPanel& b) { return a.sparsity < b.sparsity; });
  return panels;
}

const ReportRow* DenseRow(const PruneReport& rep) {
  for (const ReportRow& r : rep.rows) {
    if (r.method == "dense" && !r.cells.empty()) return &r;
  }
  return nullptr;
}

}  // namespace

nlohmann::json SelectGroupJson(const PruneReport& rep) {
  nlohmann::json j;
  j["eval_blocks"] = rep.eval_blocks;
  j["macro"] = rep.macro;
  j["columns"] = rep.mask_columns;
  if (const ReportRow* d = DenseRow(rep)) j["dense_perplexity"] = d->cells.front().fp32.perplexity();
  j["panels"] = nlohmann::json::array();
  for (const GroupPanel& p : GroupPanels(rep)) {
    nlohmann::json panel = {{"sparsity", p.sparsity}, {"series", nlohmann::json::array()}};
    for (const ReportRow* r : p.rows) {
      nlohmann::json ppl = nlohmann::json::array();
      for (const ReportCell& c : r->cells) ppl.push_back(c.fp32.perplexity());
      panel["series"].push_back({{"name", r->name}, {"method", r->method}, {"variant", r->variant},
                                 {"perplexity", ppl}});
    }
    j["panels"].push_back(panel);
  }
  return j;
}

std::string SelectGroupSvg(const PruneReport& rep) {
  const std::vector<GroupPanel> panels = GroupPanels(rep);
  constexpr int kWidth = 900, kPanel = 360;
  SvgCanvas canvas(kWidth, kPanel * std::max<int>(1, static_cast<int>(panels.size())));
  const ReportRow* dense = DenseRow(rep);
  int y = 0;
  for (const GroupPanel& p : panels) {
    Chart chart;
    chart.kind = ChartKind::kLine;
    chart.title = fmt::format("Perplexity against the select group G, mean sparsity {} (blocks {}{})",
                              p.sparsity, rep.eval_blocks,
                              dense ? fmt::format(", dense {:.2f}", dense->cells.front().fp32.perplexity())
                                    : "");
    chart.x_label = "masks: free (any N of M), then hardware-legal for select group G";
    chart.y_label = "perplexity";
    chart.categories = rep.mask_columns;
    for (const ReportRow* r : p.rows) {
      ChartSeries series{r->name, {}, {}, {}};
      for (const ReportCell& c : r->cells) {
        series.values.push_back(c.fp32.perplexity());
        series.point_labels.push_back(fmt::format("{:.1f}", c.fp32.perplexity()));
      }
      chart.series.push_back(std::move(series));
    }
    canvas.Draw(chart, 0, y, kWidth, kPanel);
    y += kPanel;
  }
  if (panels.empty()) {
    Chart empty;
    empty.kind = ChartKind::kLine;
    empty.title = "no pruned row";
    empty.categories = rep.mask_columns.empty() ? std::vector<std::string>{"-"} : rep.mask_columns;
    empty.series.push_back({"dense", std::vector<double>(empty.categories.size(),
                                                         dense ? dense->cells.front().fp32.perplexity() : 0.0),
                            {}, {}});
    canvas.Draw(empty, 0, 0, kWidth, kPanel);
  }
  return canvas.Render();
}

void WritePruneReport(const PruneReport& report, const std::filesystem::path& out_dir) {
  WriteOutputDirectory(out_dir, "prune-report", [&](const std::filesystem::path& staging) {
    WriteTextFile(staging / "report.md", PruneReportMarkdown(report));
    WriteTextFile(staging / "report.json", PruneReportJson(report).dump(2) + "\n");
    WriteTextFile(staging / "flow_blocks.svg", PruneReportSvg(report));
    WriteTextFile(staging / "select_group.svg", SelectGroupSvg(report));
    WriteTextFile(staging / "select_group.json", SelectGroupJson(report).dump(2) + "\n");
  });
}

}  // namespace flexcim::pruner
