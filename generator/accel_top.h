// The accelerator's Verilog (docs/ACCEL.md): a behavioural synchronous SRAM
// (write ports and registered read ports), the accumulate adders of one
// output row, and the top level with Q macro instances, the buffers (weight,
// activation, descriptor and output buffer, all SRAM models), the tile
// sequencer (serial or overlapped schedule, chosen by cfg_overlap) and the
// read-modify-write accumulation of the output buffer.
#pragma once

#include <string>

#include "core/accel_config.h"
#include "generator/vast/vast.h"

namespace flexcim::gen {

// "accel_sram_w<width>_d<depth>" ("..._p<ports>" with more than one port
// pair): `ports` write ports and `ports` registered read ports, port k on
// bit k of we and slice k of waddr/wdata/raddr/rdata.
std::string AccelSramName(int width, int depth, int ports = 1);
vast::Module* EmitAccelSram(vast::VerilogFile& file, int width, int depth, int ports = 1);

// "accel_bit_copy": q is d one cycle later (one flip-flop per instance, so
// that synthesis keeps replicated control bits apart).
inline constexpr char kAccelBitCopyName[] = "accel_bit_copy";
vast::Module* EmitAccelBitCopy(vast::VerilogFile& file);

// "accel_accumulate_l<lanes>_o<lane width>": combinational; sum lane l =
// first[l] ? sign-extended lane l : old word l + sign-extended lane l
// (32-bit wraparound).
std::string AccelAccumulateName(int lanes, int lane_width);
vast::Module* EmitAccelAccumulate(vast::VerilogFile& file, int lanes, int lane_width);

// The top level `config.TopName()`; `macro_top` is the macro's top module.
vast::Module* EmitAccelTop(vast::VerilogFile& file, const AccelConfig& config, const std::string& macro_top);

}  // namespace flexcim::gen
