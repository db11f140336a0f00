#include "generator/baseline_top.h"

#include <optional>
#include <vector>

#include "generator/bit_serial.h"
#include "generator/column_array.h"
#include "generator/design_render.h"
#include "generator/emit_util.h"

namespace flexcim::gen {

using vast::BinaryOp;
using vast::Connection;

vast::Module* EmitBaselineTop(vast::VerilogFile& file, const BaselineConfig& config,
                              const BaselineModuleNames& names) {
  const int rows = config.rows();
  const int cols = config.cols();
  const bool serial = config.bit_serial();
  const int a = serial ? 1 : config.a_bits();  // bits of a cell's activation
  const int w = config.w_bits();
  const bool sparse = config.has_elements();

  vast::ModuleBuilder m(file, names.top);
  AddPorts(m, TopPorts(config.arch(), config.macro()));
  const vast::Net clk = m.Get("clk"), rst_n = m.Get("rst_n");
  auto c = m.AddGenvar("c");
  auto r = m.AddGenvar("r");
  auto wr_go = m.AddWire("wr_go", 1);
  auto weights = m.AddWire("weights", rows * cols * w);
  std::optional<vast::WireNet> elems, cell_act;
  if (sparse) {
    elems = m.AddWire("elems", rows * cols);
    cell_act = m.AddWire("cell_act", rows * cols * a);
  }
  m.Assign(wr_go, file.Op(BinaryOp::kBitwiseAnd, m.Get("wr_en"), rst_n));

  m.AddInstance(names.valid_pipe, "u_valid_pipe",
                {Connection::In("clk", clk), Connection::In("rst_n", rst_n),
                 Connection::In("in_valid", m.Get("in_valid")),
                 Connection::Out("out_valid", m.Get("out_valid"))});
  // Bit-serial cells: the serializer's bit planes replace the in_act pins.
  if (serial) AddSerializer(m, names.serializer, config.act_lanes());
  const vast::Net act = m.Get(serial ? "act_plane" : "in_act");
  std::vector<Connection> storage_ports{Connection::In("clk", clk), Connection::In("wr_en", wr_go),
                                        Connection::In("wr_row", m.Get("wr_row")),
                                        Connection::In("wr_w", m.Get("wr_w"))};
  if (sparse) storage_ports.push_back(Connection::In("wr_e", m.Get("wr_e")));
  storage_ports.push_back(Connection::Out("weights", weights));
  if (sparse) storage_ports.push_back(Connection::Out("elems", *elems));
  m.AddInstance(names.storage, "u_storage", storage_ports);
  if (sparse) {
    m.AddInstance(names.distribution, "u_distribution",
                  {Connection::In("act", act), Connection::In("elems", *elems),
                   Connection::Out("cell_act", *cell_act)});
  }

  EmitColumnArray(m, {names.multiplier, names.adder_tree, names.serializer, names.shift_acc, names.control},
                  config.macro(), rows, {c, r},
                  [&]() -> vast::Expression* {
                    return sparse ? Lane(file, *cell_act, {{r, cols * a}, {c, a}}, 0, a)
                                  : Lane(file, act, {{r, a}}, 0, a);
                  },
                  m.Get("out_data"));
  return m.result();
}

}  // namespace flexcim::gen
