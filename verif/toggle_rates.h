// ToggleRates: per input port of flexcim_top, the fraction of its bits that
// change between consecutive edges of a pin-level stream, as the Verilated
// model sees them (disabled data pins as driven: junk in random traffic,
// zeros in a replayed stimulus). `flexcim synth --activity-from` hands these
// to OpenSTA's set_power_activity.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/macro_config.h"
#include "golden/cycle_model.h"

namespace flexcim::verif {

// Toggles per bit per clock, for every input port but clk. Empty input or a
// single cycle: every rate 0.
std::map<std::string, double> InputToggleRates(const MacroConfig& config,
                                               const std::vector<golden::CycleInput>& cycles);

}  // namespace flexcim::verif
