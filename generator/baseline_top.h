// dense_top / sparse12_top: the baselines' fixed top-level interface
// (docs/ARCHITECTURE.md "Baselines") around the weight storage, the
// sparse12 element muxes, a multiplier and product register per cell, one
// pipelined adder tree per column and the valid pipeline.
#pragma once

#include "core/baseline_config.h"
#include "generator/baseline_module_names.h"
#include "generator/vast/vast.h"

namespace flexcim::gen {

// Ports, in this order (O = A+W+log2(P*R)):
//   clk, rst_n, wr_en, wr_row [log2(P*R)], wr_w [C*W], wr_e [C] (sparse12
//   only), in_valid, in_act [P*R*A] (dense, lane r = x[r]) or [P*R*2*A]
//   (sparse12, lane 2r+i = x[r][i]), out_valid, out_data [C*O] (lane c).
// Row r loads at an edge where wr_en && rst_n && wr_row == r.
vast::Module* EmitBaselineTop(vast::VerilogFile& file, const BaselineConfig& config,
                              const BaselineModuleNames& names);

}  // namespace flexcim::gen
