#include "generator/row_storage.h"

#include <vector>

#include "core/macro_config.h"
#include "generator/emit_util.h"
#include "generator/vast/module_builder.h"

namespace flexcim::gen {

namespace {

// The module's ports: one handle per field's write port and read port.
struct RowStoragePorts {
  vast::InputNet clk;
  vast::InputNet wr_en;
  vast::InputNet wr_row;
  std::vector<vast::InputNet> write;
  std::vector<vast::OutputNet> read;
};

RowStoragePorts AddPorts(vast::ModuleBuilder& m, int rows, const std::vector<RowField>& fields) {
  RowStoragePorts p{m.AddInput("clk", 1), m.AddInput("wr_en", 1),
                    m.AddInput("wr_row", Log2Exact(rows)), {}, {}};
  for (const RowField& f : fields) p.write.push_back(m.AddInput(f.write_port, f.row_width));
  for (const RowField& f : fields) p.read.push_back(m.AddOutput(f.read_port, rows * f.row_width));
  return p;
}

// Declares each row's register inside the row's generate block.
std::vector<vast::RegNet> AddRowRegisters(vast::Scope& row, const std::vector<RowField>& fields) {
  std::vector<vast::RegNet> regs;
  for (const RowField& f : fields) regs.push_back(row.AddReg(f.register_name, f.row_width));
  return regs;
}

// Drives row r's lane of every read port from the row's register.
void AddReadLanes(vast::Scope& row, const vast::Genvar& r, const RowStoragePorts& ports,
                  const std::vector<RowField>& fields, const std::vector<vast::RegNet>& regs) {
  for (size_t i = 0; i < fields.size(); ++i) {
    const int width = fields[i].row_width;
    row.Assign(Lane(row.file(), ports.read[i], {{r, width}}, 0, width), regs[i]);
  }
}

// Flip-flops: row r loads at a rising edge where wr_en && wr_row == r.
void AddFlipFlopRows(vast::ModuleBuilder& m, const vast::Genvar& r, int rows,
                     const RowStoragePorts& ports, const std::vector<RowField>& fields) {
  vast::VerilogFile& file = m.verilog_file();
  auto& row = m.For(r, rows, "g_row");
  const std::vector<vast::RegNet> regs = AddRowRegisters(row, fields);
  vast::StatementBlock* write = file.Block();
  for (size_t i = 0; i < fields.size(); ++i) row.NonblockingAssign(write, regs[i], ports.write[i]);
  vast::Expression* selected = file.Op(vast::BinaryOp::kLogicalAnd, ports.wr_en,
                                       file.Op(vast::BinaryOp::kEq, ports.wr_row, r));
  vast::StatementBlock* body = file.Block();
  body->Add<vast::If>(file, selected, write, nullptr);
  row.AlwaysFf(ports.clk, body);
  AddReadLanes(row, r, ports, fields, regs);
}

// Latches (docs/ARCHITECTURE.md "Latch storage"): the write enable, row and
// data are captured in flip-flops at the write's edge t; row r's latches are
// transparent while clk is low after it (t+1/2 .. t+1), gated by one enable
// per row, and hold from the rising edge t+1 on. The vector sampled at t
// read the old row, the vector sampled at t+1 reads the new one (FLEXCIM.md
// 5b), and the latch inputs are stable while a gate is open.
void AddLatchRows(vast::ModuleBuilder& m, const vast::Genvar& r, int rows,
                  const RowStoragePorts& ports, const std::vector<RowField>& fields) {
  vast::VerilogFile& file = m.verilog_file();
  m.AddComment(
      "write captured at its edge t; row latches transparent while clk is low (t+1/2 .. t+1)");
  vast::StatementBlock* capture = file.Block();
  auto captured = [&](const vast::Net& port) {
    auto q = m.AddReg(port.name() + "_q", port.width());
    m.NonblockingAssign(capture, q, port);
    return q;
  };
  const vast::RegNet wr_en_q = captured(ports.wr_en);
  const vast::RegNet wr_row_q = captured(ports.wr_row);
  std::vector<vast::RegNet> data_q;
  for (const vast::InputNet& port : ports.write) data_q.push_back(captured(port));
  m.AlwaysFf(ports.clk, capture);

  auto& row = m.For(r, rows, "g_row");
  auto gate = row.AddWire("gate", 1);
  const std::vector<vast::RegNet> regs = AddRowRegisters(row, fields);
  row.Assign(gate, file.Op(vast::BinaryOp::kLogicalAnd,
                           file.Op(vast::BinaryOp::kLogicalAnd,
                                   file.Make<vast::Unary>(vast::UnaryOp::kLogicalNot, ports.clk),
                                   wr_en_q),
                           file.Op(vast::BinaryOp::kEq, wr_row_q, r)));
  vast::StatementBlock* write = file.Block();
  for (size_t i = 0; i < fields.size(); ++i) row.BlockingAssign(write, regs[i], data_q[i]);
  vast::StatementBlock* body = file.Block();
  body->Add<vast::If>(file, gate, write, nullptr);
  row.AlwaysLatch(body);
  AddReadLanes(row, r, ports, fields, regs);
}

}  // namespace

vast::Module* EmitRowStorage(vast::VerilogFile& file, const std::string& name, int rows,
                             const std::vector<RowField>& fields, StorageKind storage) {
  vast::ModuleBuilder m(file, name);
  const RowStoragePorts ports = AddPorts(m, rows, fields);
  const vast::Genvar r = m.AddGenvar("r");
  if (storage == StorageKind::kLatch) {
    AddLatchRows(m, r, rows, ports, fields);
  } else {
    AddFlipFlopRows(m, r, rows, ports, fields);
  }
  return m.result();
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
