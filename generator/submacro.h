// One FlexCiM sub-macro: cell storage, select storage (P > 1), distribution,
// a multiplier and product register per cell, and one pipelined adder tree
// per column (docs/ARCHITECTURE.md, pipeline stages "product" and "adder
// tree level l").
#pragma once

#include "core/macro_config.h"
#include "generator/flexcim_module_names.h"
#include "generator/vast/vast.h"

namespace flexcim::gen {

// module <names.submacro> (input clk, input wr_en, input [log2R-1:0] wr_row,
//   input [C*W-1:0] wr_w, input [C-1:0] wr_e, input [(C/G)*SB-1:0] wr_sel
//   (P > 1 only), input [R*2P*A-1:0] act, output [C*(A+W+log2R)-1:0] col_sums)
// wr_en is already qualified (rst_n and sub-macro address). Latency from
// `act` to `col_sums`: 1 + log2 R rising edges. Bit-serial cells: `act` is
// one bit plane (R*2P bits) and `col_sums` that plane's column sums
// (C*(W+log2R) bits, MacroConfig::submacro_output_width()).
vast::Module* EmitSubmacro(vast::VerilogFile& file, const MacroConfig& config,
                           const FlexcimModuleNames& names);

}  // namespace flexcim::gen
