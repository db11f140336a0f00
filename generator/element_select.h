// The fixed 1:2 sparse macro's input selection (sparse12 baseline): every
// array row receives an activation pair, every cell picks element e[r][c]
// of its row's pair with a 2:1 mux. No pair selection (that is FlexCiM's
// distribution network, generator/distribution.h).
#pragma once

#include <string>

#include "generator/vast/vast.h"

namespace flexcim::gen {

// module <name> (input [rows*2*A-1:0] act, input [rows*cols-1:0] elems,
//                output [rows*cols*A-1:0] cell_act)
// cell_act lane r*cols+c = act lane 2r + elems[r*cols+c], combinational.
vast::Module* EmitElementSelect(vast::VerilogFile& file, const std::string& name, int rows,
                                int cols, int a_bits);

}  // namespace flexcim::gen
