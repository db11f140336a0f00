// The design question of docs/CODESIGN.md: over a sweep of FlexCiM
// configurations (P, G, cell style), which one gives the lowest decode
// latency and the lowest energy per token at one perplexity budget and at
// equal area? Input: the codesign.json of one `flexcim codesign` run per P
// (each with the G values and cell styles of the sweep, and the areas and
// energies of every design in its energy files). Every architecture's
// chosen point at the budget (FlexCiM at each P / G / style, fixed 1:2 and
// dense at each P / style) is put on the same silicon area: the largest
// FlexCiM design of the sweep at Q macros; every other design gets
// round(Q x that area / its area) macros (golden::EqualAreaMacros).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flexcim::codesign {

struct DesignSweepRun {
  std::string source;      // the codesign.json path, for messages and the output
  nlohmann::json codesign;
};

// design_sweep.json: "budget", "macros" (Q of the largest design),
// "area_um2" (the common area), "rows" (one per design with energies:
// arch, label, P, G, style, config, macro_area_um2, macros, fmax_mhz,
// patterns, heldout_ppl, heldout_ratio, decode_us, prefill_us_per_token,
// energy_per_token_pj, prune_dir, energy_file, run, and for FlexCiM the ratios
// fixed 1:2 / FlexCiM at its P and style: decode_vs_fixed12,
// energy_vs_fixed12), "best_decode" and "best_energy" (indices into rows,
// FlexCiM only), "target" (1.5x decode and 1.3x energy against fixed 1:2:
// met, and the best ratios), "skipped" (designs without energies or
// without a point at the budget, one line each). Throws UsageError when no
// run has the budget or the runs disagree on Q, Error naming the run for a
// missing prune output or a malformed file.
nlohmann::json DesignSweep(const std::vector<DesignSweepRun>& runs, double budget);

// design_sweep.md: the table (by decode latency), the named best
// configuration(s) and the design target.
std::string DesignSweepMarkdown(const nlohmann::json& sweep);

}  // namespace flexcim::codesign
