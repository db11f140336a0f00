#include "generator/row_storage.h"

#include <fmt/format.h>

#include "core/macro_config.h"
#include "generator/emit_util.h"

namespace flexcim::gen {

namespace {

void AddPorts(vast::Module* m, int rows, const std::vector<RowField>& fields) {
  m->AddPort(vast::Direction::kInput, "clk", 1);
  m->AddPort(vast::Direction::kInput, "wr_en", 1);
  m->AddPort(vast::Direction::kInput, "wr_row", Log2Exact(rows));
  for (const RowField& f : fields) m->AddPort(vast::Direction::kInput, f.write_port, f.row_width);
  for (const RowField& f : fields) {
    m->AddPort(vast::Direction::kOutput, f.read_port, rows * f.row_width);
  }
}

// Declares each row's register inside the row's generate block and drives
// the row's lane of every read port from it.
void AddRowRegisters(vast::VerilogFile& file, vast::GenerateFor* loop,
                     const std::vector<RowField>& fields) {
  for (const RowField& f : fields) {
    loop->Add(file.Make<vast::NetDeclaration>(vast::NetKind::kReg, f.register_name, f.row_width,
                                              false));
  }
}

void AddReadLanes(vast::VerilogFile& file, vast::GenerateFor* loop,
                  const std::vector<RowField>& fields) {
  for (const RowField& f : fields) {
    loop->Add(file.Make<vast::ContinuousAssign>(
        file.Part(file.Id(f.read_port), Linear(file, {{vast::Genvar(file.Id("r")), f.row_width}}),
                  f.row_width),
        file.Id(f.register_name)));
  }
}

// Flip-flops: row r loads at a rising edge where wr_en && wr_row == r.
void AddFlipFlopRows(vast::VerilogFile& file, vast::GenerateFor* loop,
                     const std::vector<RowField>& fields) {
  AddRowRegisters(file, loop, fields);
  vast::StatementBlock* write = file.Block();
  for (const RowField& f : fields) {
    write->Add<vast::NonblockingAssign>(file, file.Id(f.register_name), file.Id(f.write_port));
  }
  vast::Expression* selected =
      file.Op(vast::BinaryOp::kLogicalAnd, file.Id("wr_en"),
              file.Op(vast::BinaryOp::kEq, file.Id("wr_row"), file.Id("r")));
  vast::StatementBlock* body = file.Block();
  body->Add<vast::If>(file, selected, write, nullptr);
  loop->Add(file.Make<vast::AlwaysFf>(file.Id("clk"), body));
  AddReadLanes(file, loop, fields);
}

// Latches (docs/ARCHITECTURE.md "Latch storage"): the write enable, row and
// data are captured in flip-flops at the write's edge t; row r's latches are
// transparent while clk is low after it (t+1/2 .. t+1), gated by one enable
// per row, and hold from the rising edge t+1 on. The vector sampled at t
// read the old row, the vector sampled at t+1 reads the new one (FLEXCIM.md
// 5b), and the latch inputs are stable while a gate is open.
void AddLatchRows(vast::VerilogFile& file, vast::Module* m, vast::GenerateFor* loop, int rows,
                  const std::vector<RowField>& fields) {
  m->AddDeclaration(file.Make<vast::Comment>(
      "write captured at its edge t; row latches transparent while clk is low (t+1/2 .. t+1)"));
  vast::StatementBlock* capture = file.Block();
  auto captured = [&](const std::string& port, int width) {
    const std::string q = port + "_q";
    m->AddDeclaration(file.Make<vast::NetDeclaration>(vast::NetKind::kReg, q, width, false));
    capture->Add<vast::NonblockingAssign>(file, file.Id(q), file.Id(port));
  };
  captured("wr_en", 1);
  captured("wr_row", Log2Exact(rows));
  for (const RowField& f : fields) captured(f.write_port, f.row_width);
  m->AddAlways(file.Make<vast::AlwaysFf>(file.Id("clk"), capture));

  loop->Add(file.Make<vast::NetDeclaration>(vast::NetKind::kWire, "gate", 1, false));
  AddRowRegisters(file, loop, fields);
  vast::Expression* open = file.Op(
      vast::BinaryOp::kLogicalAnd,
      file.Op(vast::BinaryOp::kLogicalAnd,
              file.Make<vast::Unary>(vast::UnaryOp::kLogicalNot, file.Id("clk")),
              file.Id("wr_en_q")),
      file.Op(vast::BinaryOp::kEq, file.Id("wr_row_q"), file.Id("r")));
  loop->Add(file.Make<vast::ContinuousAssign>(file.Id("gate"), open));
  vast::StatementBlock* write = file.Block();
  for (const RowField& f : fields) {
    write->Add<vast::BlockingAssign>(file, file.Id(f.register_name),
                                     file.Id(f.write_port + "_q"));
  }
  vast::StatementBlock* body = file.Block();
  body->Add<vast::If>(file, file.Id("gate"), write, nullptr);
  loop->Add(file.Make<vast::AlwaysLatch>(body));
  AddReadLanes(file, loop, fields);
}

}  // namespace

vast::Module* EmitRowStorage(vast::VerilogFile& file, const std::string& name, int rows,
                             const std::vector<RowField>& fields, StorageKind storage) {
  vast::Module* m = file.AddModule(name);
  AddPorts(m, rows, fields);
  m->AddDeclaration(file.Make<vast::GenvarDeclaration>("r"));
  auto* loop = file.Make<vast::GenerateFor>("r", file.Int(static_cast<uint64_t>(rows)), "g_row");
  if (storage == StorageKind::kLatch) {
    AddLatchRows(file, m, loop, rows, fields);
  } else {
    AddFlipFlopRows(file, loop, fields);
  }
  m->AddGenerate(loop);
  return m;
}

vast::Module* EmitCellStorage(vast::VerilogFile& file, const std::string& name, int rows,
                              int cols, int w_bits, StorageKind storage) {
  return EmitRowStorage(file, name, rows,
                        {{"wr_w", "weights", "w_q", cols * w_bits},
                         {"wr_e", "elems", "e_q", cols}},
                        storage);
}

vast::Module* EmitSelectStorage(vast::VerilogFile& file, const std::string& name, int rows,
                                int groups, int sel_bits, StorageKind storage) {
  return EmitRowStorage(file, name, rows, {{"wr_sel", "sels", "s_q", groups * sel_bits}},
                        storage);
}

}  // namespace flexcim::gen
