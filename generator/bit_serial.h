// The bit-serial blocks of FLEXCIM.md 5c (docs/ARCHITECTURE.md "Bit-serial
// cells"), shared by every architecture: the activation serializer, the
// one-bit AND cell and the per-column shift-accumulator.
#pragma once

#include <string>
#include <vector>

#include "generator/vast/module_builder.h"

namespace flexcim::gen {

// module <name> (input clk, input rst_n, input in_valid,
//   input [lanes*A-1:0] in_act, output [lanes-1:0] act_plane,
//   output acc_first, output acc_last, output acc_invert)
// At the edge that samples a vector (in_valid && rst_n) act_q loads in_act
// and the plane counter restarts; act_plane is then bit k of every lane in
// the k-th cycle after that edge (k = 0..A-1, LSB first; act_q shifts right
// once per cycle). acc_first / acc_last flag planes 0 and A-1, acc_invert
// planes A-2 and A-1 (A >= 2), delayed by
// `flag_delay` registers so they reach the shift-accumulator together with
// their plane's column sum. busy_q resets synchronously (reset drops a
// vector in progress); act_q, the counter and the flag delay line are data.
// act_q loads on in_valid alone (not qualified by rst_n): it is data, and
// the pin then drives its load muxes directly (no generated gate with
// lanes*A loads).
vast::Module* EmitActivationSerializer(vast::VerilogFile& file, const std::string& name,
                                       int lanes, int a_bits, int flag_delay);

// In a top level with clk, rst_n, in_valid and in_act: declares the wires
// act_plane [lanes], acc_first, acc_last, acc_invert and instantiates the serializer
// `module_name` as u_serializer driving them.
void AddSerializer(vast::ModuleBuilder& m, const std::string& module_name, int lanes);

// module <name> (input act, input signed [W-1:0] weight,
//   output signed [W-1:0] product): product = act ? weight : 0 (an AND of
// the activation bit with every weight bit).
vast::Module* EmitAndCell(vast::VerilogFile& file, const std::string& name, int w_bits);

// module <name> (input clk, input first, input last, input invert,
//   input [lanes*in_width-1:0] plane_sums, output [lanes*(in_width+A)-1:0] sums)
// with lanes = lane_widths.size(). Lane j's plane sum is the sign extension
// of its low lane_widths[j] (<= in_width) bits; its accumulator is
// lane_widths[j] + A bits, sign-extended to in_width + A on `sums` (the
// bits of plane_sums above lane_widths[j] are read by nothing). Lanes of
// one width in a row share a generate loop (`g_lane<k>`, `acc<k>_q`); when
// every lane is in_width wide there is one, `g_lane` over `acc_q`.
// Per lane, LSB plane first: acc <= (first ? 0 : acc >>> 1) +/- (plane << (A-1)),
// subtracting on the last (sign) plane. After A planes acc is
// sum_k plane_k * 2^k with plane A-1 weighted -2^(A-1): exact, because
// the bit the shift drops never reaches the result (after the first plane
// the true value is even; before it, the dropped bits are those of the
// previous vector, which the first plane does not read), and a plane sum
// of w bits gives a result of at most w + A bits (docs/ARCHITECTURE.md).
// A >= 2.
// The subtraction is held - p = ~(~held + p): `invert` (planes)
// complements the adder's output, so plane A-2 stores its upper bits
// complemented and the sign plane adds the plane to ~held and complements
// the sum back; `last` restores the one complemented bit that has shifted
// below bit A-1. The adder (lane width + 1 bits, no carry-in) starts at the
// registers and the flags' gates sit after it, except `first`'s AND on the
// held bits; the held bits below A-1 are not cleared (they leave within A-1
// shifts). Between the last plane and the next first plane acc holds the
// result.
// The flags are registered once more inside, per lane (one instance of the
// one-flip-flop `control_module` each, the first flag's copy holding its
// complement), so they arrive one cycle after the ports and each copy
// drives one lane's gates (generator/fanout_limit.h).
//
// split_bit = k > 0 (with EmitAdderTree's split_bit, for the bit-serial
// baselines: every lane in_width wide, 2 <= k < in_width): plane_sums'
// bits from k up lag their low bits by one cycle, and no add carries over
// more than about k bits: the adder is split at region bit k (acc bit
// A-1+k), the low part's carry is registered (carry_q) and added into the
// high part one cycle later, the high part's flags are the lane copies
// delayed once more (u_first_d, u_invert_d), and low_q delays the bits
// below A-1+k once, so `sums` shows a whole result one cycle later than
// with k = 0 (BaselineConfig::carry_split_stages()).
vast::Module* EmitShiftAccumulator(vast::VerilogFile& file, const std::string& name,
                                   const std::string& control_module, int in_width,
                                   const std::vector<int>& lane_widths, int a_bits,
                                   int split_bit = 0);

}  // namespace flexcim::gen
