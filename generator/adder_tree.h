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
vast::Module* EmitAdderTree(vast::VerilogFile& file, const std::string& name, int rows,
                            int in_width);

}  // namespace flexcim::gen
