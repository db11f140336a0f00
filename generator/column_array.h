// The column array every architecture shares: one cell (multiplier or, for
// bit-serial cells, AND cell) and one product register per row and column,
// one pipelined adder tree per column, and for bit-serial cells one
// shift-accumulator over the columns (FLEXCIM.md 3 and 5c,
// docs/ARCHITECTURE.md).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/macro_config.h"
#include "generator/design_render.h"
#include "generator/vast/module_builder.h"

namespace flexcim::gen {

// The modules of a column array.
struct ColumnModules {
  std::string cell;        // <prefix>_mul_<cfg>: multiplier, or AND cell when bit-serial
  std::string adder_tree;  // <prefix>_adder_tree_<cfg>
  std::string serializer;  // <prefix>_serializer_<cfg> (bit-serial)
  std::string shift_acc;   // <prefix>_shift_acc_<cfg> (bit-serial)
  std::string control;     // <prefix>_ctrl_reg_<cfg>: one flip-flop per replicated copy
};

// Where a bit-serial design shift-accumulates its plane sums.
struct ShiftAccumulatorPlan {
  int lanes;         // accumulator lanes
  int in_width;      // width of a lane's plane sum
  // Bits of each lane's plane sum that carry its value (the rest are sign
  // copies), lanes entries <= in_width; empty: in_width for every lane.
  std::vector<int> lane_widths;
  int plane_delay;   // registers from the adder tree's output to the accumulator's input
  std::string role;  // where it sits, for the file header
  // > 0: the adder trees and the accumulator split their adds at this bit
  // (EmitAdderTree, EmitShiftAccumulator; plane_delay must be 0): the
  // bit-serial baselines' BaselineConfig::carry_split_bit(). 0: unsplit.
  int carry_split_bit = 0;
};

// Renders, through `add` (description, emitter), the replicated control
// register (every design's write enables use it), the cell, the adder tree
// over `rows` products and, for bit-serial cells, the activation serializer
// (`act_lanes` lanes; its plane flags are delayed to meet `acc`'s input) and
// the shift-accumulator `acc`.
void AddColumnModules(const std::function<void(const std::string&, const EmitFn&)>& add,
                      const ColumnModules& modules, const MacroConfig& config, int rows,
                      int act_lanes, const ShiftAccumulatorPlan& acc);

// The module's genvars the column array loops over (column, row).
struct ColumnGenvars {
  vast::Genvar c;
  vast::Genvar r;
};

// What a bit-serial column array puts on `sums`.
enum class SerialColumnOutput {
  kAccumulated,  // the shift-accumulated column sums (the array holds the accumulator)
  kPlaneSums,    // each plane's column sums (accumulated further on)
};

// Adds to `m` (which has the nets "clk" and "weights"): per column of
// `rows` cells (C = config.cols()) a cell and a product register per row and
// an adder tree; for bit-serial cells with kAccumulated the plane-sum net and
// the C-lane shift-accumulator (taking the nets "acc_first"/"acc_last").
// `cell_act()` builds cell (r, c)'s activation inside the generate loops;
// cell (r, c)'s weight is weights[(r*C + c)*W +: W]; the C column sums drive
// `sums`.
void EmitColumnArray(vast::ModuleBuilder& m, const ColumnModules& modules,
                     const MacroConfig& config, int rows, const ColumnGenvars& loops,
                     const std::function<vast::Expression*()>& cell_act, const vast::Net& sums,
                     SerialColumnOutput serial_output = SerialColumnOutput::kAccumulated);

}  // namespace flexcim::gen
