#include "generator/column_array.h"

#include <fmt/format.h>

#include <optional>
#include <vector>

#include "core/errors.h"
#include "core/macro_config.h"
#include "generator/adder_tree.h"
#include "generator/bit_serial.h"
#include "generator/control_register.h"
#include "generator/emit_util.h"
#include "generator/multiplier.h"

namespace flexcim::gen {

void AddColumnModules(const std::function<void(const std::string&, const EmitFn&)>& add,
                      const ColumnModules& modules, const MacroConfig& config, int rows,
                      int act_lanes, const ShiftAccumulatorPlan& acc) {
  const bool serial = config.bit_serial();
  const int tree_levels = Log2Exact(rows);
  if (acc.carry_split_bit > 0 && (!serial || acc.plane_delay != 0)) {
    throw Error("AddColumnModules: a carry split needs bit-serial cells and no plane delay");
  }
  add("Replicated control register: one flip-flop, one instance per copy (row write enables, "
      "accumulator plane flags), so that no copy drives more than the fan-out limit.",
      [&](vast::VerilogFile& f) { return EmitControlRegister(f, modules.control); });
  if (serial) {
    add(fmt::format("One-bit cell: the activation bit ANDed with the {}-bit weight.",
                    config.w_bits()),
        [&](vast::VerilogFile& f) { return EmitAndCell(f, modules.cell, config.w_bits()); });
  } else {
    add(fmt::format("Signed {} x {} bit multiplier, one per cell.", config.a_bits(),
                    config.w_bits()),
        [&](vast::VerilogFile& f) {
          return EmitMultiplier(f, modules.cell, config.a_bits(), config.w_bits());
        });
  }
  add(fmt::format("Pipelined column adder tree: {} products, {} registered levels.", rows,
                  tree_levels),
      [&](vast::VerilogFile& f) {
        return EmitAdderTree(f, modules.adder_tree, rows, config.cell_product_width(),
                             acc.carry_split_bit);
      });
  if (!serial) return;
  add(fmt::format("Activation serializer: captures the {}-bit activations, one bit plane per "
                  "cycle LSB first.",
                  config.a_bits()),
      [&](vast::VerilogFile& f) {
        // A plane's sum leaves the adder tree tree_levels edges after its
        // products, then passes acc.plane_delay registers; the plane flags
        // reach the accumulators through one more register (the
        // shift-accumulator's per-lane copies).
        return EmitActivationSerializer(f, modules.serializer, act_lanes, config.a_bits(),
                                        tree_levels + acc.plane_delay);
      });
  add(fmt::format("Shift-accumulator per {}: planes weighted 2^k, the sign plane -2^(A-1).",
                  acc.role),
      [&](vast::VerilogFile& f) {
        const std::vector<int> widths =
            acc.lane_widths.empty() ? std::vector<int>(acc.lanes, acc.in_width) : acc.lane_widths;
        if (static_cast<int>(widths.size()) != acc.lanes) {
          throw Error(fmt::format("AddColumnModules: {} lane widths for {} accumulator lanes",
                                  widths.size(), acc.lanes));
        }
        return EmitShiftAccumulator(f, modules.shift_acc, modules.control, acc.in_width, widths,
                                    config.a_bits(), acc.carry_split_bit);
      });
}

void EmitColumnArray(vast::ModuleBuilder& m, const ColumnModules& modules,
                     const MacroConfig& config, int rows, const ColumnGenvars& loops,
                     const std::function<vast::Expression*()>& cell_act, const vast::Net& sums,
                     SerialColumnOutput serial_output) {
  using vast::Connection;
  vast::VerilogFile& file = m.verilog_file();
  const int cols = config.cols(), w = config.w_bits(), pw = config.cell_product_width();
  const bool accumulate = config.bit_serial() && serial_output == SerialColumnOutput::kAccumulated;
  const int tree_width = pw + Log2Exact(rows);
  const vast::Genvar& c = loops.c;
  const vast::Genvar& r = loops.r;
  const vast::Net clk = m.Get("clk");
  const vast::Net weights = m.Get("weights");
  // Product registers, column-major: lane c*rows + r.
  auto products_q = m.AddReg("products_q", rows * cols * pw);
  std::optional<vast::WireNet> plane_sums;
  if (accumulate) plane_sums = m.AddWire("plane_sums", cols * tree_width);
  const vast::Net& tree_out = accumulate ? *plane_sums : sums;

  auto& col_loop = m.For(c, cols, "g_col");
  auto& row_loop = col_loop.For(r, rows, "g_row");
  auto product = row_loop.AddWire("product", pw);
  row_loop.AddInstance(
      modules.cell, config.bit_serial() ? "u_cell" : "u_mul",
      {Connection::In("act", cell_act()),
       Connection::In("weight", Lane(file, weights, {{r, cols * w}, {c, w}}, 0, w)),
       Connection::Out("product", product)});
  row_loop.ClockedAssign(clk, Lane(file, products_q, {{c, rows * pw}, {r, pw}}, 0, pw), product);
  col_loop.AddInstance(
      modules.adder_tree, "u_adder_tree",
      {Connection::In("clk", clk),
       Connection::In("products", Lane(file, products_q, {{c, rows * pw}}, 0, rows * pw)),
       Connection::Out("sum", Lane(file, tree_out, {{c, tree_width}}, 0, tree_width))});
  if (accumulate) {
    m.AddInstance(modules.shift_acc, "u_shift_acc",
                  {Connection::In("clk", clk), Connection::In("first", m.Get("acc_first")),
                   Connection::In("last", m.Get("acc_last")),
                   Connection::In("invert", m.Get("acc_invert")),
                   Connection::In("plane_sums", *plane_sums), Connection::Out("sums", sums)});
  }
}

}  // namespace flexcim::gen
