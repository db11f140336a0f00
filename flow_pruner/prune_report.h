// PruneReport: `flexcim prune --report` (issue 3, item 9): one table of
// perplexity on the evaluation text for the dense model, uniform N:M,
// OWL-style and FLOW at several targets, each with free masks and with
// hardware-legal masks at several select groups G, unquantised and W/A-bit
// fake-quantised; written as Markdown, JSON and an SVG of FLOW's per-block
// N:M and the per-block O_i, D_i.
//
// Every pruned cell is one RunPrune (the dense calibration is computed once
// and shared) followed by EvaluatePerplexity and EvaluateQuantized. The
// pattern selection depends only on the dense statistics, so a row's
// patterns are the same in every mask column. A FLOW/OWL target that the
// candidate set cannot reach exactly is not pruned (unless the settings
// allow the nearest): its row says so and gives the closest sparsity.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "flow_pruner/prune_pipeline.h"
#include "flow_pruner/quantized_eval.h"

namespace flexcim::pruner {

// One selection choice of the report: a method that runs through the exact
// DP (flow or flow-measured) with its locality direction and priority.
struct ReportSelector {
  std::string name;  // "FLOW", "FLOW figure", "FLOW-measured latency", ...
  PruneMethod method = PruneMethod::kFlow;
  LocalityDirection direction = LocalityDirection::kCode;
  SelectionPriority priority = SelectionPriority::kAccuracy;
};

// FLOW (code), FLOW figure, FLOW latency, FLOW balanced, FLOW-measured,
// FLOW-measured latency, FLOW-measured balanced.
std::vector<ReportSelector> DefaultReportSelectors();

// The selectors named in `names` (comma list of DefaultReportSelectors()
// names, e.g. "FLOW,FLOW-measured"), in that order. UsageError naming
// --report-selectors and the allowed names otherwise.
std::vector<ReportSelector> ReportSelectorsNamed(const std::string& names);

// G = 1, 2, 4, ..., cols: every select group of the macro (the select-group axis).
std::vector<int> AllSelectGroups(int cols);

// One more axis of the report: a variant of the pruning settings applied to
// every pruned row (uniform, OWL-style, FLOW...), e.g. without and with
// weight reconstruction. Each variant repeats those rows; a non-empty name
// is appended to the row name ("uniform 2:4 [OBS]").
struct ReportVariant {
  std::string name;                            // "" for the single default variant
  std::function<void(PruneSettings&)> apply;   // null: the base settings as they are
};

struct ReportSettings {
  // Method-independent settings (macro P/R/C/A/W, candidates, Hyper_m,
  // alpha, beta, keep-dense, allow_nearest, threads). method, nm, target,
  // hardware_legal and the select group are set per cell; progress inside a
  // cell is off (the report prints one line per cell instead).
  PruneSettings base;
  std::vector<NmPattern> uniform = {{1, 2}, {2, 4}, {4, 8}, {1, 4}, {2, 8}};
  std::vector<ReportSelector> selectors = DefaultReportSelectors();
  int owl_m = 8;
  std::vector<double> targets = {0.5, 0.625, 0.75};  // OWL-style and FLOW
  std::vector<int> groups = {1, 4, 16};               // legal-mask columns (G)
  std::vector<ReportVariant> variants = {ReportVariant{}};  // rows repeated per variant
  bool free_column = true;                            // the free-mask column first
  QuantBits quant = {8, 8};                           // the quantised columns
  std::string model_name = "model";                   // e.g. "stories15M" (the file's stem)
  std::string calib_blocks = "0:255";                 // labels for the output
  std::string eval_blocks = "3300:4299";
  bool progress = true;  // one line per cell on stderr
};

// One (row, mask) cell: perplexity unquantised and fake-quantised.
struct ReportCell {
  std::string masks;  // "free" or "G=4"
  PerplexityResult fp32;
  PerplexityResult quantized;
  double weight_sparsity = 0.0;
  bool legal = false;  // every mask passed IsLegalMask for this G (legal columns)
};

struct ReportRow {
  std::string name;              // "dense", "uniform 2:4", "OWL M=8", "FLOW", ...
  std::string method;            // dense | uniform | owl | flow | flow-measured
  std::string variant;           // ReportVariant::name ("" = the default settings)
  std::optional<ReportSelector> selector;  // flow / flow-measured rows
  std::optional<double> target;  // OWL / FLOW
  std::vector<NmPattern> patterns;  // per block (dense: empty)
  double block_sparsity = 0.0;      // achieved mean of (M-N)/M, as applied
  int64_t tile_passes = 0;          // tiles of every pruned layer on the report's macro
  bool exact = true;
  // Set when the row was not pruned: the target cannot be reached exactly.
  std::optional<std::string> skipped;
  std::vector<ReportCell> cells;  // one per mask column (dense: the same model in each)
};

struct ReportBlockStats {
  double outlier_ratio_percent = 0.0;  // O_i
  double locality = 0.0;               // D_i
  double outlier_norm = 0.0;
  double locality_norm = 0.0;
};

// The issue-10 target at one sparsity: the best selection choice (OWL-style,
// FLOW, FLOW-measured rows) against the best uniform pattern of the same
// mean sparsity, both with hardware-legal masks for G = C (unquantised
// perplexity). A choice meets it when it is at least 20% lower.
struct ReportTarget {
  double target = 0.0;
  std::string column;                 // "G=16"
  std::optional<std::string> best_uniform;   // row name; none: no uniform has this sparsity
  double best_uniform_perplexity = 0.0;
  std::optional<std::string> best_choice;     // row name
  double best_choice_perplexity = 0.0;
  double improvement = 0.0;           // 1 - choice / uniform (when both exist)
  bool met = false;
  std::string verdict;                // one sentence
};

// The dense model's name and transformer shape, for the system model of
// `flexcim report` (golden/model_layers.h ModelShape).
struct ReportModel {
  std::string name;
  int blocks = 0, dim = 0, hidden = 0, heads = 0, kv_heads = 0;
};

struct PruneReport {
  ReportModel model;
  std::string macro;  // base macro name (G of the default column)
  std::string calib_blocks;
  std::string eval_blocks;
  int eval_sequences = 0;
  int64_t eval_predictions = 0;
  QuantBits quant;
  std::vector<std::string> mask_columns;  // "free", "G=1", ...
  std::vector<ReportRow> rows;
  std::vector<ReportBlockStats> blocks;   // from the dense statistics
  std::vector<ReportTarget> verdicts;     // one per target (empty without a G=C column)
  // flow-measured: e_i(p) per block and candidate (measured once, G of the macro).
  std::shared_ptr<const MeasuredCosts> measured_costs;
  double seconds = 0.0;                   // wall time of the whole report
};

// Builds the report. `dense_stats` = Calibrate(dense, calibration).
// Throws UsageError for settings no cell can use (a uniform pattern or G
// the macro cannot run, a target outside [0, 1)).
PruneReport BuildPruneReport(const LlamaModel& dense, const CalibrationStats& dense_stats,
                             const std::vector<std::vector<int>>& calibration,
                             const std::vector<std::vector<int>>& evaluation,
                             const ReportSettings& settings,
                             const std::string& source_model_sha256);

std::string PruneReportMarkdown(const PruneReport& report);
nlohmann::json PruneReportJson(const PruneReport& report);
// FLOW's per-block N:M for each target (bars of sparsity labelled N:M),
// O_i per block, and the normalised O_i and D_i (labelled with raw D_i).
std::string PruneReportSvg(const PruneReport& report);

// The select-group axis: one panel per target sparsity (uniform rows by
// their sparsity), a line per method: unquantised perplexity at free masks
// and at each G column, left to right.
std::string SelectGroupSvg(const PruneReport& report);
// The same numbers: {"columns": [...], "panels": [{"sparsity", "series":
// [{"name", "perplexity": [...]}]}]}.
nlohmann::json SelectGroupJson(const PruneReport& report);

// report.md, report.json, flow_blocks.svg, select_group.svg and
// select_group.json into `out_dir`, atomically (marker report.json).
void WritePruneReport(const PruneReport& report, const std::filesystem::path& out_dir);

}  // namespace flexcim::pruner
