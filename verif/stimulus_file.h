// StimulusFile: a pin-level stream for flexcim_top as text, one line per
// rising edge, so any testbench (ours or a user's) can replay it.
//
//   flexcim-stimulus 1
//   config p4_r16_c16_g16_a8_w8
//   cycles <n>
//   rst_n wr_en wr_sub wr_row in_valid in_nlog2 | wr_w[0..C-1] | wr_e[0..C-1] | wr_sel[0..C/G-1] | in_act[0..R*2P-1]
//
// Values are signed decimal lanes; disabled data pins are written as zeros.
#pragma once

#include <filesystem>
#include <vector>

#include "core/macro_config.h"
#include "golden/cycle_model.h"

namespace flexcim::verif {

void WriteStimulusFile(const MacroConfig& config, const std::vector<golden::CycleInput>& cycles,
                       const std::filesystem::path& path);

// Throws flexcim::Error naming the file and line for a bad header, a config
// other than `config`, a wrong lane count, an unparsable value, a missing
// line, or a cycle outside the contract of FLEXCIM.md 5b (StimulusContract:
// a lane that does not fit its pin, an illegal in_nlog2, a write while a
// vector is in flight).
std::vector<golden::CycleInput> ReadStimulusFile(const MacroConfig& config,
                                                 const std::filesystem::path& path);

}  // namespace flexcim::verif
