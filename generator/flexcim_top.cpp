#include "generator/flexcim_top.h"

#include <fmt/format.h>

#include <vector>

#include "core/arch_traits.h"
#include "generator/bit_serial.h"
#include "generator/design_render.h"
#include "generator/emit_util.h"

namespace flexcim::gen {

using vast::BinaryOp;
using Binding = vast::Instance::Binding;

vast::Module* EmitFlexcimTop(vast::VerilogFile& file, const MacroConfig& config,
                             const FlexcimModuleNames& names) {
  const int subs = config.subs();
  const bool multi = subs > 1;
  const int sub_out_width = config.cols() * config.column_sum_width();

  const bool serial = config.bit_serial();
  vast::Module* m = file.AddModule(names.top);
  AddPorts(m, TopPorts(Arch::kFlexcim, config));

  DeclareWire(file, m, "wr_go", 1);
  m->AddAssign(file.Make<vast::ContinuousAssign>(
      file.Id("wr_go"), file.Op(BinaryOp::kBitwiseAnd, file.Id("wr_en"), file.Id("rst_n"))));
  if (multi) {
    DeclareWire(file, m, "sub_wr_en", subs);
    for (int k = 0; k < subs; ++k) {
      m->AddAssign(file.Make<vast::ContinuousAssign>(
          file.Bit(file.Id("sub_wr_en"), file.Int(k)),
          file.Op(BinaryOp::kBitwiseAnd, file.Id("wr_go"),
                  file.Op(BinaryOp::kEq, file.Id("wr_sub"),
                          file.Sized(config.sel_bits(), static_cast<uint64_t>(k))))));
    }
    DeclareWire(file, m, "merge_nlog2", kNlog2Bits);
  } else {
    DeclareWire(file, m, "unused_pins", 1);
    m->AddAssign(file.Make<vast::ContinuousAssign>(
        file.Id("unused_pins"),
        file.Make<vast::Unary>(vast::UnaryOp::kReduceAnd,
                               file.Make<vast::Concat>(std::vector<vast::Expression*>{
                                   file.Sized(1, 0), file.Id("wr_sub"), file.Id("wr_sel"),
                                   file.Id("in_nlog2")}))));
  }
  DeclareWire(file, m, "col_sums", subs * sub_out_width);
  if (serial) {
    // One serializer feeds every sub-macro one bit plane of the windows.
    AddSerializer(file, m, names.serializer, config.act_lanes());
  }

  std::vector<Binding> valid_ports{{"clk", file.Id("clk")},
                                   {"rst_n", file.Id("rst_n")},
                                   {"in_valid", file.Id("in_valid")}};
  if (multi) valid_ports.push_back({"in_nlog2", file.Id("in_nlog2")});
  valid_ports.push_back({"out_valid", file.Id("out_valid")});
  if (multi) valid_ports.push_back({"merge_nlog2", file.Id("merge_nlog2")});
  m->AddInstance(file.Make<vast::Instance>(names.valid_pipe, "u_valid_pipe",
                                           std::vector<Binding>{}, valid_ports));

  for (int k = 0; k < subs; ++k) {
    std::vector<Binding> ports{
        {"clk", file.Id("clk")},
        {"wr_en", multi ? static_cast<vast::Expression*>(
                              file.Bit(file.Id("sub_wr_en"), file.Int(k)))
                        : file.Id("wr_go")},
        {"wr_row", file.Id("wr_row")},
        {"wr_w", file.Id("wr_w")},
        {"wr_e", file.Id("wr_e")}};
    if (multi) ports.push_back({"wr_sel", file.Id("wr_sel")});
    ports.push_back({"act", file.Id(serial ? "act_plane" : "in_act")});
    if (serial) {
      ports.push_back({"acc_first", file.Id("acc_first")});
      ports.push_back({"acc_last", file.Id("acc_last")});
    }
    ports.push_back({"col_sums", file.Range(file.Id("col_sums"), (k + 1) * sub_out_width - 1,
                                            k * sub_out_width)});
    m->AddInstance(file.Make<vast::Instance>(names.submacro, fmt::format("u_sub{}", k),
                                             std::vector<Binding>{}, ports));
  }

  std::vector<Binding> merge_ports{{"clk", file.Id("clk")}};
  if (multi) merge_ports.push_back({"nlog2", file.Id("merge_nlog2")});
  merge_ports.push_back({"col_sums", file.Id("col_sums")});
  merge_ports.push_back({"out_data", file.Id("out_data")});
  m->AddInstance(file.Make<vast::Instance>(names.merge, "u_merge", std::vector<Binding>{},
                                           merge_ports));
  return m;
}

}  // namespace flexcim::gen
