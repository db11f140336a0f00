#include "generator/submacro.h"

#include <vector>

#include "generator/column_array.h"
#include "generator/emit_util.h"

namespace flexcim::gen {

namespace {

using Binding = vast::Instance::Binding;

Binding Connect(vast::VerilogFile& file, const char* port, const char* signal) {
  return {port, file.Id(signal)};
}

}  // namespace

vast::Module* EmitSubmacro(vast::VerilogFile& file, const MacroConfig& config,
                           const FlexcimModuleNames& names) {
  const int rows = config.rows();
  const int cols = config.cols();
  const bool serial = config.bit_serial();
  const int a = serial ? 1 : config.a_bits();  // bits of a cell's activation
  const int w = config.w_bits();
  const int csw = config.column_sum_width();
  const bool has_select = config.subs() > 1;

  vast::Module* m = file.AddModule(names.submacro);
  m->AddPort(vast::Direction::kInput, "clk", 1);
  m->AddPort(vast::Direction::kInput, "wr_en", 1);
  m->AddPort(vast::Direction::kInput, "wr_row", config.row_addr_bits());
  m->AddPort(vast::Direction::kInput, "wr_w", cols * w);
  m->AddPort(vast::Direction::kInput, "wr_e", cols);
  if (has_select) {
    m->AddPort(vast::Direction::kInput, "wr_sel", config.select_groups() * config.sel_bits());
  }
  // Bit-serial: `act` is one bit plane of the window, with the
  // shift-accumulator's plane flags.
  m->AddPort(vast::Direction::kInput, "act", config.act_lanes() * a);
  if (serial) {
    m->AddPort(vast::Direction::kInput, "acc_first", 1);
    m->AddPort(vast::Direction::kInput, "acc_last", 1);
  }
  m->AddPort(vast::Direction::kOutput, "col_sums", cols * csw);

  m->AddDeclaration(file.Make<vast::GenvarDeclaration>("c"));
  m->AddDeclaration(file.Make<vast::GenvarDeclaration>("r"));
  DeclareWire(file, m, "weights", rows * cols * w);
  DeclareWire(file, m, "elems", rows * cols);
  if (has_select) DeclareWire(file, m, "sels", rows * config.select_groups() * config.sel_bits());
  DeclareWire(file, m, "cell_act", rows * cols * a);

  m->AddInstance(file.Make<vast::Instance>(
      names.cell_storage, "u_storage", std::vector<Binding>{},
      std::vector<Binding>{Connect(file, "clk", "clk"), Connect(file, "wr_en", "wr_en"),
                           Connect(file, "wr_row", "wr_row"), Connect(file, "wr_w", "wr_w"),
                           Connect(file, "wr_e", "wr_e"), Connect(file, "weights", "weights"),
                           Connect(file, "elems", "elems")}));
  if (has_select) {
    m->AddInstance(file.Make<vast::Instance>(
        names.select_storage, "u_select_storage", std::vector<Binding>{},
        std::vector<Binding>{Connect(file, "clk", "clk"), Connect(file, "wr_en", "wr_en"),
                             Connect(file, "wr_row", "wr_row"),
                             Connect(file, "wr_sel", "wr_sel"), Connect(file, "sels", "sels")}));
  }
  std::vector<Binding> distribution_ports{Connect(file, "act", "act")};
  if (has_select) distribution_ports.push_back(Connect(file, "sels", "sels"));
  distribution_ports.push_back(Connect(file, "elems", "elems"));
  distribution_ports.push_back(Connect(file, "cell_act", "cell_act"));
  m->AddInstance(file.Make<vast::Instance>(names.distribution, "u_distribution",
                                           std::vector<Binding>{}, distribution_ports));

  EmitColumnArray(
      file, m, {names.multiplier, names.adder_tree, names.serializer, names.shift_acc}, config,
      rows, [&] { return Lane(file, "cell_act", {{"r", cols * a}, {"c", a}}, 0, a); },
      "col_sums");
  return m;
}

}  // namespace flexcim::gen
