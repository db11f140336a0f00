// PpaReport: one or more PpaResults (FlexCiM and, when synthesised, the
// dense and fixed 1:2 baselines of FLEXCIM.md section 6) as report.json and
// a human table (report.md / terminal), with the flexibility overhead
// against every baseline of the same cell count present.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "synth/ppa_result.h"

namespace flexcim::synth {

struct OverheadEntry {
  std::string flexcim_name, baseline_arch;
  std::string mac, storage;            // the variant both share
  double flexibility_um2 = 0;    // FlexCiM's flexibility components
  double baseline_total_um2 = 0;
  double flexibility_percent = 0;      // flexibility_um2 / baseline total
  double total_difference_percent = 0; // (FlexCiM total - baseline total) / baseline total
  // Energy per MAC: (FlexCiM - baseline) / baseline, when both were timed.
  std::optional<double> energy_difference_percent;
  std::string dominant_component;      // the largest flexibility component by area
  std::string dominant_power_component;  // ... by power (empty without STA)
  // The component (any, not only flexibility ones) whose energy per MAC
  // grows most from the baseline to FlexCiM, and that growth as a
  // percentage of the baseline's energy per MAC (empty/absent without
  // per-component power on both sides).
  std::string dominant_energy_difference_component;
  std::optional<double> dominant_energy_difference_percent;
};

// Pairs each flexcim result with each dense/sparse12 result of the same
// MACs per cycle, A, W, MAC style and storage.
std::vector<OverheadEntry> ComputeOverheads(const std::vector<PpaResult>& results);

// The comparison table (docs/PPA.md): one row per architecture x MAC style x
// storage: area, µm² per weight, compute fmax, pJ per 8-bit MAC, TOPS/W,
// TOPS/mm², then FlexCiM's overhead against the fixed 1:2 macro per
// variant in area and energy per MAC against the 5% goal. Empty when there
// is a single result.
std::string ComparisonMarkdown(const std::vector<PpaResult>& results);
nlohmann::json ComparisonJson(const std::vector<PpaResult>& results);

nlohmann::json ReportJson(const std::vector<PpaResult>& results);
std::string ReportMarkdown(const std::vector<PpaResult>& results);

// The results of a report.json written by WriteReport (to combine runs
// measured one at a time into one comparison). Throws flexcim::Error naming
// the file for an unreadable file, a missing "results" array or a result
// that does not parse.
std::vector<PpaResult> ReadReportResults(const std::filesystem::path& report_json);

// Writes report.json and report.md into `out_dir` atomically, and
// report.svg (synth/comparison_plot.h) when there are several results.
void WriteReport(const std::vector<PpaResult>& results, const std::filesystem::path& out_dir);

}  // namespace flexcim::synth
