// The FlexCiM merging network (docs/ARCHITECTURE.md "Merging network"):
// lanes v_0 = column sums sign-extended to O bits; merge level l
// (1..log2 P), registered, with n = log2 N of the vector at that level:
// l <= n: lane i*C+c = v[2i*C+c] + v[(2i+1)*C+c] for i < P/2^l, 0 above;
// otherwise lanes pass through. With P = 1 it is the single output register.
#pragma once

#include <string>

#include "core/macro_config.h"
#include "generator/vast/vast.h"

namespace flexcim::gen {

// module <name> (input clk, input [4*log2P-1:0] level_nlog2 (P > 1 only;
//   4 bits per merge level, level l at [(l-1)*4 +: 4]),
//   input [P*C*(A+W+log2R)-1:0] col_sums, output [P*C*O-1:0] out_data)
// Latency max(1, log2 P) rising edges; out_data is a register.
vast::Module* EmitMergeNetwork(vast::VerilogFile& file, const std::string& name,
                               const MacroConfig& config);

}  // namespace flexcim::gen
