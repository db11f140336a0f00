#include "generator/column_array.h"

#include <fmt/format.h>

#include <vector>

#include "core/macro_config.h"
#include "generator/adder_tree.h"
#include "generator/bit_serial.h"
#include "generator/emit_util.h"
#include "generator/multiplier.h"

namespace flexcim::gen {

using Binding = vast::Instance::Binding;

void AddColumnModules(const std::function<void(const std::string&, const EmitFn&)>& add,
                      const ColumnModules& modules, const MacroConfig& config, int rows,
                      int act_lanes, const std::string& acc_role) {
  const bool serial = config.bit_serial();
  const int tree_levels = Log2Exact(rows);
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
        return EmitAdderTree(f, modules.adder_tree, rows, config.cell_product_width());
      });
  if (!serial) return;
  add(fmt::format("Activation serializer: captures the {}-bit activations, one bit plane per "
                  "cycle LSB first.",
                  config.a_bits()),
      [&](vast::VerilogFile& f) {
        return EmitActivationSerializer(f, modules.serializer, act_lanes, config.a_bits(),
                                        1 + tree_levels);
      });
  add(fmt::format("Shift-accumulator per {}: planes weighted 2^k, the sign plane -2^(A-1).",
                  acc_role),
      [&](vast::VerilogFile& f) {
        return EmitShiftAccumulator(f, modules.shift_acc, config.cols(),
                                    config.cell_product_width() + tree_levels, config.a_bits());
      });
}

void EmitColumnArray(vast::VerilogFile& file, vast::Module* m, const ColumnModules& modules,
                     const MacroConfig& config, int rows,
                     const std::function<vast::Expression*()>& cell_act, const std::string& sums) {
  const int cols = config.cols(), w = config.w_bits(), pw = config.cell_product_width();
  const bool serial = config.bit_serial();
  const int tree_width = pw + Log2Exact(rows);
  // Product registers, column-major: lane c*rows + r.
  DeclareReg(file, m, "products_q", rows * cols * pw);
  const std::string tree_out = serial ? "plane_sums" : sums;
  if (serial) DeclareWire(file, m, "plane_sums", cols * tree_width);

  auto* col_loop = file.Make<vast::GenerateFor>("c", file.Int(static_cast<uint64_t>(cols)), "g_col");
  auto* row_loop = file.Make<vast::GenerateFor>("r", file.Int(static_cast<uint64_t>(rows)), "g_row");
  col_loop->Add(row_loop);
  row_loop->Add(file.Make<vast::NetDeclaration>(vast::NetKind::kWire, "product", pw, false));
  row_loop->Add(file.Make<vast::Instance>(
      modules.cell, serial ? "u_cell" : "u_mul", std::vector<Binding>{},
      std::vector<Binding>{{"act", cell_act()},
                           {"weight", Lane(file, "weights", {{"r", cols * w}, {"c", w}}, 0, w)},
                           {"product", file.Id("product")}}));
  row_loop->Add(ClockedAssign(file, Lane(file, "products_q", {{"c", rows * pw}, {"r", pw}}, 0, pw),
                              file.Id("product")));
  col_loop->Add(file.Make<vast::Instance>(
      modules.adder_tree, "u_adder_tree", std::vector<Binding>{},
      std::vector<Binding>{{"clk", file.Id("clk")},
                           {"products", Lane(file, "products_q", {{"c", rows * pw}}, 0, rows * pw)},
                           {"sum", Lane(file, tree_out, {{"c", tree_width}}, 0, tree_width)}}));
  m->AddGenerate(col_loop);
  if (serial) {
    m->AddInstance(file.Make<vast::Instance>(
        modules.shift_acc, "u_shift_acc", std::vector<Binding>{},
        std::vector<Binding>{{"clk", file.Id("clk")},
                             {"first", file.Id("acc_first")},
                             {"last", file.Id("acc_last")},
                             {"plane_sums", file.Id("plane_sums")},
                             {"sums", file.Id(sums)}}));
  }
}

}  // namespace flexcim::gen
