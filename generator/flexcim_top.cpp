#include "generator/flexcim_top.h"

#include <fmt/format.h>

#include <optional>
#include <vector>

#include "core/arch_traits.h"
#include "generator/bit_serial.h"
#include "generator/design_render.h"

namespace flexcim::gen {

using vast::BinaryOp;
using vast::Connection;

vast::Module* EmitFlexcimTop(vast::VerilogFile& file, const MacroConfig& config,
                             const FlexcimModuleNames& names) {
  const int subs = config.subs();
  const bool multi = subs > 1;
  const int sub_out_width = config.cols() * config.submacro_output_width();

  const bool serial = config.bit_serial();
  vast::ModuleBuilder m(file, names.top);
  AddPorts(m, TopPorts(Arch::kFlexcim, config));
  const vast::Net clk = m.Get("clk"), rst_n = m.Get("rst_n"), in_nlog2 = m.Get("in_nlog2");
  const vast::Net wr_sub = m.Get("wr_sub"), wr_sel = m.Get("wr_sel");

  auto wr_go = m.AddWire("wr_go", 1);
  m.Assign(wr_go, file.Op(BinaryOp::kBitwiseAnd, m.Get("wr_en"), rst_n));
  std::optional<vast::WireNet> merge_nlog2;
  if (multi) {
    merge_nlog2 = m.AddWire("merge_nlog2", kNlog2Bits);
  } else {
    auto unused_pins = m.AddWire("unused_pins", 1);
    m.Assign(unused_pins,
             file.Make<vast::Unary>(vast::UnaryOp::kReduceAnd,
                                    file.Make<vast::Concat>(std::vector<vast::Expression*>{
                                        file.Sized(1, 0), wr_sub, wr_sel, in_nlog2})));
  }
  auto col_sums = m.AddWire("col_sums", subs * sub_out_width);
  if (serial) {
    // One serializer feeds every sub-macro one bit plane of the windows.
    AddSerializer(m, names.serializer, config.act_lanes());
  }

  std::vector<Connection> valid_ports{Connection::In("clk", clk), Connection::In("rst_n", rst_n),
                                      Connection::In("in_valid", m.Get("in_valid"))};
  if (multi) valid_ports.push_back(Connection::In("in_nlog2", in_nlog2));
  valid_ports.push_back(Connection::Out("out_valid", m.Get("out_valid")));
  if (multi) valid_ports.push_back(Connection::Out("merge_nlog2", *merge_nlog2));
  m.AddInstance(names.valid_pipe, "u_valid_pipe", valid_ports);

  // One cell storage and one select storage for the whole macro, P*R rows
  // (row k*R + r is row r of sub-macro k, addressed by {wr_sub, wr_row}),
  // each with one write pipeline (docs/ARCHITECTURE.md "Write pipeline"),
  // as the baselines' storage: the write data is registered once, not once
  // per sub-macro.
  const int rows = config.rows(), cols = config.cols();
  const int sub_weight_bits = rows * cols * config.w_bits();
  const int sub_sel_bits = rows * config.select_groups() * config.sel_bits();
  vast::Expression* store_row =
      multi ? static_cast<vast::Expression*>(
                  file.Make<vast::Concat>(std::vector<vast::Expression*>{wr_sub, m.Get("wr_row")}))
            : static_cast<vast::Expression*>(m.Get("wr_row"));
  auto weights = m.AddWire("weights", subs * sub_weight_bits);
  auto elems = m.AddWire("elems", subs * rows * cols);
  std::vector<Connection> storage_ports{
      Connection::In("clk", clk), Connection::In("wr_en", wr_go), Connection::In("wr_row", store_row),
      Connection::In("wr_w", m.Get("wr_w")), Connection::In("wr_e", m.Get("wr_e"))};
  if (multi) storage_ports.push_back(Connection::In("wr_sel", wr_sel));
  storage_ports.push_back(Connection::Out("weights", weights));
  storage_ports.push_back(Connection::Out("elems", elems));
  std::optional<vast::WireNet> sels;
  if (multi) {
    // The pair selects ride the cell storage's write pipeline: its stage-2
    // select data and its rows' (element-bit slice) enables.
    auto sel_q2 = m.AddWire("sel_wr_data", config.select_groups() * config.sel_bits());
    auto sel_row_en = m.AddWire("sel_row_en", subs * rows);
    storage_ports.push_back(Connection::Out("sel_wr_data", sel_q2));
    storage_ports.push_back(Connection::Out("sel_row_en", sel_row_en));
    sels = m.AddWire("sels", subs * sub_sel_bits);
    m.AddInstance(names.select_storage, "u_select_storage",
                  {Connection::In("clk", clk), Connection::In("row_en", sel_row_en),
                   Connection::In("wr_sel", sel_q2), Connection::Out("sels", *sels)});
  }
  m.AddInstance(names.cell_storage, "u_storage", storage_ports);

  for (int k = 0; k < subs; ++k) {
    std::vector<Connection> ports{
        Connection::In("clk", clk),
        Connection::In("weights", weights.Slice((k + 1) * sub_weight_bits - 1, k * sub_weight_bits)),
        Connection::In("elems", elems.Slice((k + 1) * rows * cols - 1, k * rows * cols))};
    if (multi) ports.push_back(Connection::In("sels", sels->Slice((k + 1) * sub_sel_bits - 1, k * sub_sel_bits)));
    ports.push_back(Connection::In("act", m.Get(serial ? "act_plane" : "in_act")));
    ports.push_back(Connection::Out(
        "col_sums", col_sums.Slice((k + 1) * sub_out_width - 1, k * sub_out_width)));
    m.AddInstance(names.submacro, fmt::format("u_sub{}", k), ports);
  }

  std::vector<Connection> merge_ports{Connection::In("clk", clk)};
  if (multi) merge_ports.push_back(Connection::In("nlog2", *merge_nlog2));
  merge_ports.push_back(Connection::In("col_sums", col_sums));
  if (!serial) {
    merge_ports.push_back(Connection::Out("out_data", m.Get("out_data")));
    m.AddInstance(names.merge, "u_merge", merge_ports);
    return m.result();
  }
  // Bit-serial: the merging network merges each bit plane's column sums; one
  // shift-accumulator per output lane accumulates the merged planes and is
  // the output register.
  auto merged_planes =
      m.AddWire("merged_planes", config.output_lanes() * config.merge_lane_width());
  merge_ports.push_back(Connection::Out("out_data", merged_planes));
  m.AddInstance(names.merge, "u_merge", merge_ports);
  m.AddInstance(names.shift_acc, "u_shift_acc",
                {Connection::In("clk", clk), Connection::In("first", m.Get("acc_first")),
                 Connection::In("last", m.Get("acc_last")),
                 Connection::In("invert", m.Get("acc_invert")),
                 Connection::In("plane_sums", merged_planes),
                 Connection::Out("sums", m.Get("out_data"))});
  return m.result();
}

}  // namespace flexcim::gen
