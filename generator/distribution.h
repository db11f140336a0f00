// The FlexCiM distribution network of one sub-macro (FLEXCIM.md 3 step 1,
// docs/ARCHITECTURE.md "Distribution"): per row and select group a P:1 mux
// of 2A-bit activation pairs controlled by the stored pair select, then per
// cell a 2:1 element mux controlled by the stored element bit.
#pragma once

#include <string>

#include "core/macro_config.h"
#include "generator/vast/vast.h"

namespace flexcim::gen {

// module <name> (input [R*2P*A-1:0] act, input [R*(C/G)*SB-1:0] sels
//                (P > 1 only), input [R*C-1:0] elems,
//                output [R*C*A-1:0] cell_act)
// cell_act lane r*C+c = x[r][2*s[r][c/G] + e[r][c]], combinational.
// With P = 1 there is no select input: the pair is always pair 0. With
// P > 1 each row and select group instantiates `pair_mux_name`.
vast::Module* EmitDistribution(vast::VerilogFile& file, const std::string& name,
                               const std::string& pair_mux_name, const MacroConfig& config);

// module <name> (input [2P*A-1:0] pairs, input [SB-1:0] sel,
//                output [2A-1:0] pair): pair = pairs[sel*2A +: 2A], the P:1
// pair mux of one row and select group (P > 1 only).
vast::Module* EmitPairMux(vast::VerilogFile& file, const std::string& name,
                          const MacroConfig& config);

}  // namespace flexcim::gen
