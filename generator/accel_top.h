// The accelerator's Verilog (docs/ACCEL.md): a behavioural synchronous SRAM
// (one write and one registered read per cycle) and the top level with Q
// macro instances, the buffers, the descriptor register file, the tile
// sequencer (serial or overlapped schedule, chosen by cfg_overlap) and the
// output buffer of 32-bit wraparound accumulators.
#pragma once

#include <string>

#include "core/accel_config.h"
#include "generator/vast/vast.h"

namespace flexcim::gen {

// "accel_sram_w<width>_d<depth>".
std::string AccelSramName(int width, int depth);
vast::Module* EmitAccelSram(vast::VerilogFile& file, int width, int depth);

// The top level `config.TopName()`; `macro_top` is the macro's top module.
vast::Module* EmitAccelTop(vast::VerilogFile& file, const AccelConfig& config, const std::string& macro_top);

}  // namespace flexcim::gen
