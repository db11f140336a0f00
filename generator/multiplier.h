// The signed A x W multiplier shared by every architecture (FlexCiM and the
// FLEXCIM.md section 6 baselines): one module, instantiated per cell.
#pragma once

#include <string>

#include "generator/vast/vast.h"

namespace flexcim::gen {

// module <name> (input signed [A-1:0] act, input signed [W-1:0] weight,
//                output signed [A+W-1:0] product): product = act * weight,
// exact (A+W bits cannot overflow).
vast::Module* EmitMultiplier(vast::VerilogFile& file, const std::string& name, int a_bits,
                             int w_bits);

}  // namespace flexcim::gen
