// The FlexCiM merging network (docs/ARCHITECTURE.md "Merging network"):
// lanes v_0 = column sums sign-extended to O bits; merge level l
// (1..log2 P), registered, with n = log2 N of the vector at that level:
// l <= n: lane i*C+c = v[2i*C+c] + v[(2i+1)*C+c] for i < P/2^l, 0 above;
// otherwise lanes pass through. With P = 1 it is the single output register.
//
// The per-level decision l <= n is registered in replicated root and leaf
// control registers (MergeControlPlan), so the module's log2 N input leads
// its column sums by MergeControlPlan::kLeadCycles cycles.
#pragma once

#include <string>

#include "core/macro_config.h"
#include "generator/vast/vast.h"

namespace flexcim::gen {

// module <name> (input clk, input [3:0] nlog2 (P > 1 only),
//   input [P*C*(A+W+log2R)-1:0] col_sums, output [P*C*O-1:0] out_data)
// `nlog2` is the log2 N of the vector whose column sums are on `col_sums`
// kLeadCycles cycles later. Bit-serial cells: `col_sums` carries one bit
// plane's column sums per cycle (W+log2R bits a lane) and out_data lanes are
// W+log2R+log2P bits (MacroConfig::submacro_output_width(),
// merge_lane_width()); `nlog2` is then held for the A planes of a vector. Latency from col_sums to out_data:
// max(1, log2 P) rising edges; out_data is a register. `control_register`
// names the module emitted by EmitControlRegister (instantiated per root and
// leaf control copy, P > 1 only).
vast::Module* EmitMergeNetwork(vast::VerilogFile& file, const std::string& name,
                               const std::string& control_register, const MacroConfig& config);

// The bits of out_data lane b*C + c (block b, 0 <= b < P) that carry its
// value: the lane is the sign extension of its low MergeOutputLaneBits bits
// whatever the inputs and control. As EmitMergeNetwork forms them, level l
// writes a sum of csw + l bits (csw = submacro_output_width()) into blocks
// b < P/2^l and into the others zero or the lane of level l-1 unchanged, so
// block b holds csw + k bits with k the last level whose sums reach it:
// k = log2 P for block 0, log2 P - 1 - floor(log2 b) for b >= 1 (at most
// 2^k column sums; P = 4: 2, 1, 0, 0). P = 1: csw.
int MergeOutputLaneBits(const MacroConfig& config, int block);

}  // namespace flexcim::gen
