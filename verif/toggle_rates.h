// ToggleRates: per input port of a design's top level (any architecture,
// verif/input_pins.h), the fraction of its bits that change between
// consecutive edges of a pin-level stream, as the Verilated model sees them
// (disabled data pins as driven: junk in random traffic, zeros in a
// replayed stimulus). `flexcim synth --activity-from` hands these to
// OpenSTA's set_power_activity.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/arch_config.h"
#include "golden/cycle_input.h"

namespace flexcim::verif {

// Toggles per bit per clock, for every input port but clk. Empty input or a
// single cycle: every rate 0.
std::map<std::string, double> InputToggleRates(const ArchConfig& design,
                                               const std::vector<golden::CycleInput>& cycles);

}  // namespace flexcim::verif
