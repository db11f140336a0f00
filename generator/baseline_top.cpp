#include "generator/baseline_top.h"

#include <vector>

#include "generator/bit_serial.h"
#include "generator/column_array.h"
#include "generator/design_render.h"
#include "generator/emit_util.h"

namespace flexcim::gen {

using vast::BinaryOp;
using Binding = vast::Instance::Binding;

vast::Module* EmitBaselineTop(vast::VerilogFile& file, const BaselineConfig& config,
                              const BaselineModuleNames& names) {
  const int rows = config.rows();
  const int cols = config.cols();
  const bool serial = config.bit_serial();
  const int a = serial ? 1 : config.a_bits();  // bits of a cell's activation
  const int w = config.w_bits();
  const bool sparse = config.has_elements();

  vast::Module* m = file.AddModule(names.top);
  AddPorts(m, TopPorts(config.arch(), config.macro()));
  m->AddDeclaration(file.Make<vast::GenvarDeclaration>("c"));
  m->AddDeclaration(file.Make<vast::GenvarDeclaration>("r"));
  DeclareWire(file, m, "wr_go", 1);
  DeclareWire(file, m, "weights", rows * cols * w);
  if (sparse) {
    DeclareWire(file, m, "elems", rows * cols);
    DeclareWire(file, m, "cell_act", rows * cols * a);
  }
  // Bit-serial cells: the serializer's bit planes replace the in_act pins.
  const std::string act = serial ? "act_plane" : "in_act";
  m->AddAssign(file.Make<vast::ContinuousAssign>(
      file.Id("wr_go"), file.Op(BinaryOp::kBitwiseAnd, file.Id("wr_en"), file.Id("rst_n"))));

  m->AddInstance(file.Make<vast::Instance>(
      names.valid_pipe, "u_valid_pipe", std::vector<Binding>{},
      std::vector<Binding>{{"clk", file.Id("clk")},
                           {"rst_n", file.Id("rst_n")},
                           {"in_valid", file.Id("in_valid")},
                           {"out_valid", file.Id("out_valid")}}));
  if (serial) AddSerializer(file, m, names.serializer, config.act_lanes());
  std::vector<Binding> storage_ports{{"clk", file.Id("clk")},
                                     {"wr_en", file.Id("wr_go")},
                                     {"wr_row", file.Id("wr_row")},
                                     {"wr_w", file.Id("wr_w")}};
  if (sparse) storage_ports.push_back({"wr_e", file.Id("wr_e")});
  storage_ports.push_back({"weights", file.Id("weights")});
  if (sparse) storage_ports.push_back({"elems", file.Id("elems")});
  m->AddInstance(file.Make<vast::Instance>(names.storage, "u_storage", std::vector<Binding>{},
                                           storage_ports));
  if (sparse) {
    m->AddInstance(file.Make<vast::Instance>(
        names.distribution, "u_distribution", std::vector<Binding>{},
        std::vector<Binding>{{"act", file.Id(act)},
                             {"elems", file.Id("elems")},
                             {"cell_act", file.Id("cell_act")}}));
  }

  EmitColumnArray(file, m, {names.multiplier, names.adder_tree, names.serializer, names.shift_acc},
                  config.macro(), rows, [&]() -> vast::Expression* {
                    return sparse ? Lane(file, "cell_act", {{"r", cols * a}, {"c", a}}, 0, a)
                                  : Lane(file, act, {{"r", a}}, 0, a);
                  },
                  "out_data");
  return m;
}

}  // namespace flexcim::gen
