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
  std::optional<vast::WireNet> sub_wr_en, merge_nlog2;
  if (multi) {
    sub_wr_en = m.AddWire("sub_wr_en", subs);
    for (int k = 0; k < subs; ++k) {
      m.Assign(sub_wr_en->Bit(k),
               file.Op(BinaryOp::kBitwiseAnd, wr_go,
                       file.Op(BinaryOp::kEq, wr_sub,
                               file.Sized(config.sel_bits(), static_cast<uint64_t>(k)))));
    }
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

  for (int k = 0; k < subs; ++k) {
    std::vector<Connection> ports{
        Connection::In("clk", clk),
        Connection::In("wr_en", multi ? static_cast<vast::Expression*>(sub_wr_en->Bit(k)) : wr_go),
        Connection::In("wr_row", m.Get("wr_row")), Connection::In("wr_w", m.Get("wr_w")),
        Connection::In("wr_e", m.Get("wr_e"))};
    if (multi) ports.push_back(Connection::In("wr_sel", wr_sel));
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
