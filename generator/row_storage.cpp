#include "generator/row_storage.h"

#include "core/macro_config.h"
#include "generator/emit_util.h"

namespace flexcim::gen {

vast::Module* EmitRowStorage(vast::VerilogFile& file, const std::string& name, int rows,
                             const std::vector<RowField>& fields) {
  vast::Module* m = file.AddModule(name);
  m->AddPort(vast::Direction::kInput, "clk", 1);
  m->AddPort(vast::Direction::kInput, "wr_en", 1);
  m->AddPort(vast::Direction::kInput, "wr_row", Log2Exact(rows));
  for (const RowField& f : fields) m->AddPort(vast::Direction::kInput, f.write_port, f.row_width);
  for (const RowField& f : fields) {
    m->AddPort(vast::Direction::kOutput, f.read_port, rows * f.row_width);
  }
  m->AddDeclaration(file.Make<vast::GenvarDeclaration>("r"));

  auto* loop = file.Make<vast::GenerateFor>("r", file.Int(static_cast<uint64_t>(rows)), "g_row");
  vast::StatementBlock* write = file.Block();
  for (const RowField& f : fields) {
    loop->Add(file.Make<vast::NetDeclaration>(vast::NetKind::kReg, f.register_name, f.row_width,
                                              false));
    write->Add<vast::NonblockingAssign>(file, file.Id(f.register_name), file.Id(f.write_port));
  }
  vast::Expression* selected =
      file.Op(vast::BinaryOp::kLogicalAnd, file.Id("wr_en"),
              file.Op(vast::BinaryOp::kEq, file.Id("wr_row"), file.Id("r")));
  vast::StatementBlock* body = file.Block();
  body->Add<vast::If>(file, selected, write, nullptr);
  loop->Add(file.Make<vast::AlwaysFf>(file.Id("clk"), body));
  for (const RowField& f : fields) {
    loop->Add(file.Make<vast::ContinuousAssign>(
        file.Part(file.Id(f.read_port), Linear(file, {{vast::Genvar(file.Id("r")), f.row_width}}),
                  f.row_width),
        file.Id(f.register_name)));
  }
  m->AddGenerate(loop);
  return m;
}

vast::Module* EmitCellStorage(vast::VerilogFile& file, const std::string& name, int rows,
                              int cols, int w_bits) {
  return EmitRowStorage(file, name, rows,
                        {{"wr_w", "weights", "w_q", cols * w_bits},
                         {"wr_e", "elems", "e_q", cols}});
}

vast::Module* EmitSelectStorage(vast::VerilogFile& file, const std::string& name, int rows,
                                int groups, int sel_bits) {
  return EmitRowStorage(file, name, rows, {{"wr_sel", "sels", "s_q", groups * sel_bits}});
}

}  // namespace flexcim::gen
