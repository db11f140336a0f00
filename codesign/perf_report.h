// The performance part of `flexcim report` (docs/PERF.md "The report"):
// latency, energy per token, utilisation and area of FlexCiM against the
// dense and fixed 1:2 DCiM for
// - the shipped model: every row of a `flexcim prune --report` (uniform,
//   OWL-style, FLOW at each target) at G = C and G = 1, with its perplexity;
// - Llama-2-7B layer shapes: uniform patterns and FLOW solved on a
//   documented synthetic outlier profile (no accuracy).
// Every number comes from the system model (system_model.h) on the
// patterns, and the energies of a `flexcim energy` file; the ratios are set
// beside the paper's 1.75x (latency) and 1.5x (energy).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/macro_config.h"
#include "golden/model_layers.h"

namespace flexcim::codesign {

struct PerfReportInputs {
  MacroConfig config = MacroConfig::Default();  // P, R, C, A, W; G per row
  std::vector<int> macros = {1, 16};  // each point at each Q
  int64_t tokens = 128;
  double buffer_pj_per_bit = 0;
  // `flexcim prune --report` JSON of the shipped model (absent: that section
  // says it is missing and why).
  std::optional<nlohmann::json> prune_report;
  std::string prune_report_missing;  // why it is absent
  // Without a prune report: the run's own pruning (prune.json of `flexcim
  // prune`), one shipped-model point at its G.
  std::optional<nlohmann::json> prune;
  // The shape of that pruned model (its llama2.c header); absent: stories260K,
  // the model of runs written before the prune report named its model.
  std::optional<golden::ModelShape> prune_shape;
  std::filesystem::path energy_file;  // empty or missing: cycles only
  std::filesystem::path profile_file;  // Llama-2-7B outlier profile
};

struct PerfReport {
  std::string markdown;       // the whole section
  std::string summary;        // the summary table alone (Markdown)
  nlohmann::json json;
  std::map<std::string, std::string> svgs;  // file name -> SVG
};

// Parses "p4_r16_c16_g16_a8_w8" (MacroConfig::Name()). Throws Error.
MacroConfig ParseMacroConfigName(const std::string& name);

PerfReport BuildPerfReport(const PerfReportInputs& inputs);

}  // namespace flexcim::codesign
