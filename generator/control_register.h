// A one-flip-flop module for replicated control registers. Each copy is
// its own instance, so synthesis keeps the copies apart (Yosys opt_merge
// merges identical flip-flops inside one module, even with (* keep *) on
// the register) and every copy drives only its own loads.
#pragma once

#include <string>

#include "generator/vast/vast.h"

namespace flexcim::gen {

// module <name> (input clk, input d, output q): q <= d at every rising edge.
vast::Module* EmitControlRegister(vast::VerilogFile& file, const std::string& name);

}  // namespace flexcim::gen
