#include "generator/baseline_top.h"

#include <vector>

#include "generator/emit_util.h"

namespace flexcim::gen {

using vast::BinaryOp;
using Binding = vast::Instance::Binding;

namespace {

void AddTopPorts(vast::Module* m, const BaselineConfig& config) {
  using vast::Direction;
  m->AddPort(Direction::kInput, "clk", 1);
  m->AddPort(Direction::kInput, "rst_n", 1);
  m->AddPort(Direction::kInput, "wr_en", 1);
  m->AddPort(Direction::kInput, "wr_row", config.row_addr_bits());
  m->AddPort(Direction::kInput, "wr_w", config.cols() * config.w_bits());
  if (config.has_elements()) m->AddPort(Direction::kInput, "wr_e", config.cols());
  m->AddPort(Direction::kInput, "in_valid", 1);
  m->AddPort(Direction::kInput, "in_act", config.act_lanes() * config.a_bits());
  m->AddPort(Direction::kOutput, "out_valid", 1);
  m->AddPort(Direction::kOutput, "out_data", config.output_lanes() * config.output_width());
}

}  // namespace

vast::Module* EmitBaselineTop(vast::VerilogFile& file, const BaselineConfig& config,
                              const BaselineModuleNames& names) {
  const int rows = config.rows();
  const int cols = config.cols();
  const int a = config.a_bits();
  const int w = config.w_bits();
  const int pw = config.product_width();
  const int o = config.output_width();
  const bool sparse = config.has_elements();

  vast::Module* m = file.AddModule(names.top);
  AddTopPorts(m, config);
  m->AddDeclaration(file.Make<vast::GenvarDeclaration>("c"));
  m->AddDeclaration(file.Make<vast::GenvarDeclaration>("r"));
  DeclareWire(file, m, "wr_go", 1);
  DeclareWire(file, m, "weights", rows * cols * w);
  if (sparse) {
    DeclareWire(file, m, "elems", rows * cols);
    DeclareWire(file, m, "cell_act", rows * cols * a);
  }
  // Product registers, column-major: lane c*rows + r.
  DeclareReg(file, m, "products_q", rows * cols * pw);
  m->AddAssign(file.Make<vast::ContinuousAssign>(
      file.Id("wr_go"), file.Op(BinaryOp::kBitwiseAnd, file.Id("wr_en"), file.Id("rst_n"))));

  m->AddInstance(file.Make<vast::Instance>(
      names.valid_pipe, "u_valid_pipe", std::vector<Binding>{},
      std::vector<Binding>{{"clk", file.Id("clk")},
                           {"rst_n", file.Id("rst_n")},
                           {"in_valid", file.Id("in_valid")},
                           {"out_valid", file.Id("out_valid")}}));
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
        std::vector<Binding>{{"act", file.Id("in_act")},
                             {"elems", file.Id("elems")},
                             {"cell_act", file.Id("cell_act")}}));
  }

  // Per column: one multiplier and product register per row, one adder tree.
  auto* col_loop = file.Make<vast::GenerateFor>("c", file.Int(cols), "g_col");
  auto* row_loop = file.Make<vast::GenerateFor>("r", file.Int(rows), "g_row");
  col_loop->Add(row_loop);
  row_loop->Add(file.Make<vast::NetDeclaration>(vast::NetKind::kWire, "product", pw, false));
  vast::Expression* act = sparse ? Lane(file, "cell_act", {{"r", cols * a}, {"c", a}}, 0, a)
                                 : Lane(file, "in_act", {{"r", a}}, 0, a);
  row_loop->Add(file.Make<vast::Instance>(
      names.multiplier, "u_mul", std::vector<Binding>{},
      std::vector<Binding>{{"act", act},
                           {"weight", Lane(file, "weights", {{"r", cols * w}, {"c", w}}, 0, w)},
                           {"product", file.Id("product")}}));
  row_loop->Add(ClockedAssign(file, Lane(file, "products_q", {{"c", rows * pw}, {"r", pw}}, 0, pw),
                              file.Id("product")));
  col_loop->Add(file.Make<vast::Instance>(
      names.adder_tree, "u_adder_tree", std::vector<Binding>{},
      std::vector<Binding>{{"clk", file.Id("clk")},
                           {"products", Lane(file, "products_q", {{"c", rows * pw}}, 0, rows * pw)},
                           {"sum", Lane(file, "out_data", {{"c", o}}, 0, o)}}));
  m->AddGenerate(col_loop);
  return m;
}

}  // namespace flexcim::gen
