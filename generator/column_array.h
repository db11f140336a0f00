// The column array every architecture shares: one cell (multiplier or, for
// bit-serial cells, AND cell) and one product register per row and column,
// one pipelined adder tree per column, and for bit-serial cells one
// shift-accumulator over the columns (FLEXCIM.md 3 and 5c,
// docs/ARCHITECTURE.md).
#pragma once

#include <functional>
#include <string>

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

// Renders, through `add` (description, emitter), the replicated control
// register (every design's write enables use it), the cell, the adder tree
// over `rows` products and, for bit-serial cells, the activation serializer
// (`act_lanes` lanes) and the C-lane shift-accumulator (`acc_role` says
// where it sits, for the file header).
void AddColumnModules(const std::function<void(const std::string&, const EmitFn&)>& add,
                      const ColumnModules& modules, const MacroConfig& config, int rows,
                      int act_lanes, const std::string& acc_role);

// The module's genvars the column array loops over (column, row).
struct ColumnGenvars {
  vast::Genvar c;
  vast::Genvar r;
};

// Adds to `m` (which has the nets "clk" and "weights"): per column of
// `rows` cells (C = config.cols()) a cell and a product register per row and
// an adder tree; for bit-serial cells the plane-sum net and the
// shift-accumulator (taking the nets "acc_first"/"acc_last"). `cell_act()`
// builds cell (r, c)'s activation inside the generate loops; cell (r, c)'s
// weight is weights[(r*C + c)*W +: W]; the C column sums drive `sums`.
void EmitColumnArray(vast::ModuleBuilder& m, const ColumnModules& modules,
                     const MacroConfig& config, int rows, const ColumnGenvars& loops,
                     const std::function<vast::Expression*()>& cell_act, const vast::Net& sums);

}  // namespace flexcim::gen
