#include "generator/distribution.h"

#include <optional>

#include "generator/emit_util.h"
#include "generator/vast/module_builder.h"

namespace flexcim::gen {

using vast::BinaryOp;

vast::Module* EmitPairMux(vast::VerilogFile& file, const std::string& name,
                          const MacroConfig& config) {
  const int a = config.bit_serial() ? 1 : config.a_bits();  // one bit plane when bit-serial
  const int pair_width = 2 * a;
  const int sb = config.sel_bits();
  vast::ModuleBuilder m(file, name);
  auto pairs = m.AddInput("pairs", config.window() * a);
  auto sel = m.AddInput("sel", sb);
  auto pair = m.AddOutput("pair", pair_width);
  m.Assign(pair, pairs.Part(file.Op(BinaryOp::kMul, sel, file.Int(pair_width)), pair_width));
  return m.result();
}

vast::Module* EmitDistribution(vast::VerilogFile& file, const std::string& name,
                               const std::string& pair_mux_name, const MacroConfig& config) {
  const int rows = config.rows();
  const int cols = config.cols();
  const int group = config.sel_group();
  const int groups = config.select_groups();
  const int a = config.bit_serial() ? 1 : config.a_bits();  // one bit plane when bit-serial
  const int pair_width = 2 * a;
  const int row_act_width = config.window() * a;
  const int sb = config.sel_bits();
  const bool has_select = config.subs() > 1;

  vast::ModuleBuilder m(file, name);
  auto act = m.AddInput("act", config.act_lanes() * a);
  std::optional<vast::InputNet> sels;
  if (has_select) sels = m.AddInput("sels", rows * groups * sb);
  auto elems = m.AddInput("elems", rows * cols);
  auto cell_act = m.AddOutput("cell_act", rows * cols * a);
  auto r = m.AddGenvar("r");
  auto q = m.AddGenvar("q");
  auto g = m.AddGenvar("g");

  auto& group_loop = m.For(r, rows, "g_row").For(q, groups, "g_group");

  // The P:1 pair mux of this row and select group: its own instance, so the
  // stored select drives 2A-bit muxes once per group and synthesis cannot
  // fold it into every cell's element mux (fan-out, docs/ARCHITECTURE.md).
  auto pair = group_loop.AddWire("pair", pair_width);
  if (has_select) {
    group_loop.AddInstance(
        pair_mux_name, "u_pair_mux",
        {vast::Connection::In("pairs", Lane(file, act, {{r, row_act_width}}, 0, row_act_width)),
         vast::Connection::In("sel", Lane(file, *sels, {{r, groups * sb}, {q, sb}}, 0, sb)),
         vast::Connection::Out("pair", pair)});
  } else {
    group_loop.Assign(pair, act.Part(Linear(file, {{r, row_act_width}}), pair_width));
  }

  // The 2:1 element mux of every cell of the group: x[2s] or x[2s+1].
  auto& cell_loop = group_loop.For(g, group, "g_cell");
  vast::Expression* element = elems.Bit(Linear(file, {{r, cols}, {q, group}, {g, 1}}));
  vast::Expression* chosen =
      file.Mux(element, pair.Slice(pair_width - 1, a), pair.Slice(a - 1, 0));
  cell_loop.Assign(Lane(file, cell_act, {{r, cols * a}, {q, group * a}, {g, a}}, 0, a), chosen);
  return m.result();
}

}  // namespace flexcim::gen
