#include "generator/distribution.h"

#include "generator/emit_util.h"

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

  vast::Module* m = file.AddModule(name);
  m->AddPort(vast::Direction::kInput, "act", config.act_lanes() * a);
  if (has_select) m->AddPort(vast::Direction::kInput, "sels", rows * groups * sb);
  m->AddPort(vast::Direction::kInput, "elems", rows * cols);
  m->AddPort(vast::Direction::kOutput, "cell_act", rows * cols * a);
  for (const char* g : {"r", "q", "g"}) m->AddDeclaration(file.Make<vast::GenvarDeclaration>(g));

  auto* row_loop = file.Make<vast::GenerateFor>("r", file.Int(rows), "g_row");
  auto* group_loop = file.Make<vast::GenerateFor>("q", file.Int(groups), "g_group");
  row_loop->Add(group_loop);

  // The P:1 pair mux of this row and select group.
  group_loop->Add(file.Make<vast::NetDeclaration>(vast::NetKind::kWire, "pair", pair_width, false));
  vast::Expression* pair_start = nullptr;
  if (has_select) {
    group_loop->Add(file.Make<vast::NetDeclaration>(vast::NetKind::kWire, "sel", sb, false));
    group_loop->Add(file.Make<vast::ContinuousAssign>(
        file.Id("sel"), Lane(file, "sels", {{"r", groups * sb}, {"q", sb}}, 0, sb)));
    pair_start = file.Op(BinaryOp::kAdd, Linear(file, {{"r", row_act_width}}),
                         file.Op(BinaryOp::kMul, file.Id("sel"), file.Int(pair_width)));
  } else {
    pair_start = Linear(file, {{"r", row_act_width}});
  }
  group_loop->Add(file.Make<vast::ContinuousAssign>(
      file.Id("pair"), file.Part(file.Id("act"), pair_start, pair_width)));

  // The 2:1 element mux of every cell of the group: x[2s] or x[2s+1].
  auto* cell_loop = file.Make<vast::GenerateFor>("g", file.Int(group), "g_cell");
  group_loop->Add(cell_loop);
  vast::Expression* element = file.Bit(file.Id("elems"), Linear(file, {{"r", cols}, {"q", group}, {"g", 1}}));
  vast::Expression* chosen = file.Mux(element, file.Range(file.Id("pair"), pair_width - 1, a),
                                      file.Range(file.Id("pair"), a - 1, 0));
  cell_loop->Add(file.Make<vast::ContinuousAssign>(
      Lane(file, "cell_act", {{"r", cols * a}, {"q", group * a}, {"g", a}}, 0, a), chosen));
  m->AddGenerate(row_loop);
  return m;
}

}  // namespace flexcim::gen
