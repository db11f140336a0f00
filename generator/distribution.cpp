#include "generator/distribution.h"

#include <optional>

#include "generator/emit_util.h"
#include "generator/vast/module_builder.h"

namespace flexcim::gen {

using vast::BinaryOp;

vast::Module* EmitDistribution(vast::VerilogFile& file, const std::string& name,
                               const MacroConfig& config) {
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

  // The P:1 pair mux of this row and select group.
  auto pair = group_loop.AddWire("pair", pair_width);
  vast::Expression* pair_start = nullptr;
  if (has_select) {
    auto sel = group_loop.AddWire("sel", sb);
    group_loop.Assign(sel, Lane(file, *sels, {{r, groups * sb}, {q, sb}}, 0, sb));
    pair_start = file.Op(BinaryOp::kAdd, Linear(file, {{r, row_act_width}}),
                         file.Op(BinaryOp::kMul, sel, file.Int(pair_width)));
  } else {
    pair_start = Linear(file, {{r, row_act_width}});
  }
  group_loop.Assign(pair, act.Part(pair_start, pair_width));

  // The 2:1 element mux of every cell of the group: x[2s] or x[2s+1].
  auto& cell_loop = group_loop.For(g, group, "g_cell");
  vast::Expression* element = elems.Bit(Linear(file, {{r, cols}, {q, group}, {g, 1}}));
  vast::Expression* chosen =
      file.Mux(element, pair.Slice(pair_width - 1, a), pair.Slice(a - 1, 0));
  cell_loop.Assign(Lane(file, cell_act, {{r, cols * a}, {q, group * a}, {g, a}}, 0, a), chosen);
  return m.result();
}

}  // namespace flexcim::gen
