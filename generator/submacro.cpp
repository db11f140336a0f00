#include "generator/submacro.h"

#include <optional>
#include <vector>

#include "generator/column_array.h"
#include "generator/emit_util.h"

namespace flexcim::gen {

vast::Module* EmitSubmacro(vast::VerilogFile& file, const MacroConfig& config,
                           const FlexcimModuleNames& names) {
  using vast::Connection;
  const int rows = config.rows();
  const int cols = config.cols();
  const bool serial = config.bit_serial();
  const int a = serial ? 1 : config.a_bits();  // bits of a cell's activation
  const int w = config.w_bits();
  // Bit-serial: one bit plane's column sums per cycle (merged, then
  // shift-accumulated after the merging network).
  const int csw = config.submacro_output_width();
  const bool has_select = config.subs() > 1;

  vast::ModuleBuilder m(file, names.submacro);
  // The stored rows of this sub-macro come from the macro's one cell and
  // select storage (flexcim_top: P*R rows, one write pipeline).
  m.AddInput("clk", 1);
  m.AddInput("weights", rows * cols * w);  // read by the column array (m.Get)
  auto elems = m.AddInput("elems", rows * cols);
  std::optional<vast::InputNet> sels;
  if (has_select) sels = m.AddInput("sels", rows * config.select_groups() * config.sel_bits());
  // Bit-serial: `act` is one bit plane of the window.
  auto act = m.AddInput("act", config.act_lanes() * a);
  auto col_sums = m.AddOutput("col_sums", cols * csw);

  auto c = m.AddGenvar("c");
  auto r = m.AddGenvar("r");
  auto cell_act = m.AddWire("cell_act", rows * cols * a);
  std::vector<Connection> distribution_ports{Connection::In("act", act)};
  if (has_select) distribution_ports.push_back(Connection::In("sels", *sels));
  distribution_ports.push_back(Connection::In("elems", elems));
  distribution_ports.push_back(Connection::Out("cell_act", cell_act));
  m.AddInstance(names.distribution, "u_distribution", distribution_ports);

  EmitColumnArray(
      m, {names.multiplier, names.adder_tree, names.serializer, names.shift_acc, names.control}, config, rows,
      {c, r}, [&] { return Lane(file, cell_act, {{r, cols * a}, {c, a}}, 0, a); }, col_sums,
      SerialColumnOutput::kPlaneSums);
  return m.result();
}

}  // namespace flexcim::gen
