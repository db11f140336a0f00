// The pipelined column adder tree shared by every architecture: R inputs of
// in_width bits, log2 R levels, one register per level, level l holding
// R/2^l sums of in_width + l bits (docs/ARCHITECTURE.md).
#pragma once

#include <string>

#include "generator/vast/vast.h"

namespace flexcim::gen {

// module <name> (input clk, input [rows*in_width-1:0] products,
//                output [in_width+log2(rows)-1:0] sum)
// Latency log2(rows) cycles. Lane i of `products` is [i*in_width +: in_width],
// two's complement; operands are sign-extended by one bit per level so no
// level can overflow. rows is a power of two >= 2.
//
// split_bit > 0 (bit-serial baselines, BaselineConfig::carry_split_bit()):
// no register-to-register add carries over more than split_bit bits. Every
// level wider than split_bit adds its bits below split_bit in its cycle,
// registers their carry-out (level<l>_c) and adds its bits from split_bit up
// one cycle later with that carry as carry-in; so in every split level, and
// on `sum`, the bits from split_bit up are those of the vector one cycle
// before the low bits' (the high part lags by one cycle). The first split
// level delays the source bits its high part reads (level<l>_d) when its
// source is not split. The consumer deskews (EmitShiftAccumulator's
// split_bit). Requires 2 <= split_bit < in_width + log2(rows).
vast::Module* EmitAdderTree(vast::VerilogFile& file, const std::string& name, int rows,
                            int in_width, int split_bit = 0);

}  // namespace flexcim::gen
