// The comparison plot beside report.md (report.svg): per MAC style x storage
// variant, the area per weight and the energy per 8-bit-equivalent MAC of
// every architecture, and FlexCiM's overhead against the fixed 1:2 macro of
// the same variant (flexibility area and energy per MAC, % of the 1:2
// macro) beside a 5% goal bar.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "synth/ppa_result.h"

namespace flexcim::synth {

// std::nullopt when there is nothing to compare (fewer than two results).
// Panels whose figures need timing are left out when a result has none.
std::optional<std::string> ComparisonSvg(const std::vector<PpaResult>& results);

}  // namespace flexcim::synth
