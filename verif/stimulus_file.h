// StimulusFile: a pin-level stream for the top level of one design (any
// architecture) as text, one line per rising edge, so any testbench (ours
// or a user's) can replay it.
//
//   flexcim-stimulus 1
//   config p4_r16_c16_g16_a8_w8          (ArchConfig::Name(): dense_p4_r16_c16_a8_w8, ...)
//   cycles <n>
//   rst_n wr_en wr_sub wr_row in_valid in_nlog2 | wr_w[0..C-1] | wr_e[..] | wr_sel[..] | in_act[..]
//
// Lane counts are the design's (ArchConfig): wr_e C bits (none for dense),
// wr_sel C/G lanes (none for the baselines), in_act R*2P (flexcim), P*R
// (dense) or P*R*2 (sparse12); wr_sub and in_nlog2 are 0 where the
// architecture has no such pin. Values are signed decimal lanes; disabled
// data pins are written as zeros.
#pragma once

#include <filesystem>
#include <vector>

#include "core/arch_config.h"
#include "golden/cycle_input.h"

namespace flexcim::verif {

void WriteStimulusFile(const ArchConfig& design, const std::vector<golden::CycleInput>& cycles,
                       const std::filesystem::path& path);

// Throws flexcim::Error naming the file and line for a bad header, a config
// other than `design`'s, a wrong lane count, an unparsable value, a missing
// line, or a cycle outside the contract of FLEXCIM.md 5b (StimulusContract:
// a lane that does not fit its pin, an illegal in_nlog2, a write while a
// vector is in flight).
std::vector<golden::CycleInput> ReadStimulusFile(const ArchConfig& design,
                                                 const std::filesystem::path& path);

}  // namespace flexcim::verif
