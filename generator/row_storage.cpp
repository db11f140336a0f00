#include "generator/row_storage.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "core/macro_config.h"
#include "generator/emit_util.h"
#include "generator/fanout_limit.h"
#include "generator/vast/module_builder.h"

namespace flexcim::gen {

namespace {

using vast::BinaryOp;


// The module's ports: one handle per field's write port and read port.
struct RowStoragePorts {
  vast::InputNet clk;
  vast::InputNet wr_en;
  vast::InputNet wr_row;
  std::vector<vast::InputNet> write;  // the stored fields', then the forwarded field's
  std::vector<vast::OutputNet> read;
  std::optional<vast::OutputNet> forward_data;     // the forwarded field at stage 2
  std::optional<vast::OutputNet> forward_row_en;   // the last slice's row enables
};

RowStoragePorts AddPorts(vast::ModuleBuilder& m, int rows, const std::vector<RowField>& fields,
                         const std::optional<ForwardedField>& forward) {
  RowStoragePorts p{m.AddInput("clk", 1), m.AddInput("wr_en", 1),
                    m.AddInput("wr_row", Log2Exact(rows)), {}, {}, {}, {}};
  for (const RowField& f : fields) p.write.push_back(m.AddInput(f.write_port, f.row_width));
  if (forward) p.write.push_back(m.AddInput(forward->write_port, forward->width));
  for (const RowField& f : fields) p.read.push_back(m.AddOutput(f.read_port, rows * f.row_width));
  if (forward) {
    p.forward_data = m.AddOutput(forward->data_port, forward->width);
    p.forward_row_en = m.AddOutput(forward->row_enable_port, rows);
  }
  return p;
}

// One replicated slice of a field: bits [lo, lo + width) of the row, with
// its own row enable (at most kMaxGeneratedFanout bits).
struct FieldSlice {
  size_t field;
  int copy;
  int lo;
  int width;
};

std::vector<FieldSlice> SlicesOf(const std::vector<RowField>& fields) {
  std::vector<FieldSlice> slices;
  for (size_t i = 0; i < fields.size(); ++i) {
    const int width = fields[i].row_width;
    const int copies = FanoutCopies(width);
    const int per_copy = (width + copies - 1) / copies;
    for (int j = 0, lo = 0; lo < width; ++j, lo += per_copy) {
      slices.push_back({i, j, lo, std::min(per_copy, width - lo)});
    }
  }
  return slices;
}

std::string SliceRegister(const RowField& f, const FieldSlice& s, size_t slices_of_field) {
  return slices_of_field == 1 ? f.register_name : fmt::format("{}_{}", f.register_name, s.copy);
}

// The write pipeline (MacroConfig::write_latency(), docs/ARCHITECTURE.md
// "Write pipeline"), shared by both storage kinds:
//   edge t:   wr_hi_q[i] <= wr_en && row[high half] == i; wr_lo_q[j] <= row[low half] == j;
//             <port>_q <= <port>
//   edge t+1: row r's enables (one replicated control register per slice of
//             at most kMaxGeneratedFanout bits) <= wr_hi_q[r >> l] & wr_lo_q[r & (2^l - 1)];
//             <port>_q2 <= <port>_q
// The row is stored at edge t+2 (flip-flops) or while clk is low after
// t+1 (latches). The predecode keeps every stage-1 bit's fan-out at
// 2^(bits/2) rows instead of all rows.
struct WriteStages {
  vast::RegNet hi_q;               // stage 1: wr_en && high half of the row == i
  vast::RegNet lo_q;               // stage 1: low half of the row == j
  int lo_bits;                     // l: row r is hit by hi_q[r >> l] & lo_q[r & (2^l - 1)]
  std::vector<vast::RegNet> data;  // stage 2: <port>_q2, one per field
};

WriteStages AddWriteStages(vast::ModuleBuilder& m, int rows, const RowStoragePorts& ports) {
  vast::VerilogFile& file = m.verilog_file();
  const int ab = Log2Exact(rows);
  const int l = ab - ab / 2, h = ab / 2;
  m.AddComment(fmt::format(
      "write pipeline: edge t captures the write (row predecoded {} x {}), edge t+1 the row enables "
      "and the data, edge t+2 stores it",
      1 << h, 1 << l));
  WriteStages stages{m.AddReg("wr_hi_q", 1 << h), m.AddReg("wr_lo_q", 1 << l), l, {}};
  if (h == 0) {  // two rows: wr_hi_q is wr_en alone
    m.ClockedAssign(ports.clk, stages.hi_q, ports.wr_en);
  } else {
    const vast::Genvar gh = m.AddGenvar("h");
    auto& hi_loop = m.For(gh, 1 << h, "g_hi");
    hi_loop.ClockedAssign(ports.clk, stages.hi_q.Bit(gh),
                          file.Op(BinaryOp::kLogicalAnd, ports.wr_en,
                                  file.Op(BinaryOp::kEq, ports.wr_row.Slice(ab - 1, l), gh)));
  }
  const vast::Genvar gl = m.AddGenvar("l");
  auto& lo_loop = m.For(gl, 1 << l, "g_lo");
  vast::Expression* lo_row = l == ab ? static_cast<vast::Expression*>(ports.wr_row)
                                     : static_cast<vast::Expression*>(ports.wr_row.Slice(l - 1, 0));
  lo_loop.ClockedAssign(ports.clk, stages.lo_q.Bit(gl), file.Op(BinaryOp::kEq, lo_row, gl));
  vast::StatementBlock* capture = file.Block();
  for (const vast::InputNet& port : ports.write) {
    auto q = m.AddReg(port.name() + "_q", port.width());
    auto q_2 = m.AddReg(port.name() + "_q2", port.width());
    m.NonblockingAssign(capture, q, port);
    m.NonblockingAssign(capture, q_2, q);
    stages.data.push_back(q_2);
  }
  m.AlwaysFf(ports.clk, capture);
  return stages;
}

// Row r's registers (flip-flops) or latches, one per field slice, each
// loaded under its own replicated enable.
void AddRows(vast::ModuleBuilder& m, const std::string& control_module, const vast::Genvar& r, int rows,
             const RowStoragePorts& ports, const std::vector<RowField>& fields, StorageKind storage) {
  vast::VerilogFile& file = m.verilog_file();
  const WriteStages stages = AddWriteStages(m, rows, ports);
  if (ports.forward_data) m.Assign(*ports.forward_data, stages.data.back());
  const int l = stages.lo_bits;
  const std::vector<FieldSlice> slices = SlicesOf(fields);
  std::vector<size_t> per_field(fields.size(), 0);
  for (const FieldSlice& s : slices) ++per_field[s.field];

  auto& row = m.For(r, rows, "g_row");
  auto row_hit = row.AddWire("row_hit", 1);
  vast::Expression* hi = stages.hi_q.width() == 1
                            ? static_cast<vast::Expression*>(stages.hi_q)
                            : static_cast<vast::Expression*>(stages.hi_q.Bit(
                                  file.Op(BinaryOp::kShiftRight, r, file.Int(static_cast<uint64_t>(l)))));
  row.Assign(row_hit, file.Op(BinaryOp::kBitwiseAnd, hi,
                              stages.lo_q.Bit(file.Op(BinaryOp::kBitwiseAnd, r,
                                               file.Int(static_cast<uint64_t>((1 << l) - 1))))));
  if (storage == StorageKind::kLatch) {
    row.AddComment("row latches transparent while clk is low after the enables' edge (t+1 .. t+2)");
  }
  for (const FieldSlice& s : slices) {
    const RowField& f = fields[s.field];
    const std::string reg_name = SliceRegister(f, s, per_field[s.field]);
    auto en = row.AddWire(reg_name + "_en", 1);
    row.AddInstance(control_module, "u_" + reg_name + "_en",
                    {vast::Connection::In("clk", ports.clk), vast::Connection::In("d", row_hit),
                     vast::Connection::Out("q", en)});
    auto reg = row.AddReg(reg_name, s.width);
    vast::Expression* d = s.width == f.row_width ? static_cast<vast::Expression*>(stages.data[s.field])
                                                 : stages.data[s.field].Slice(s.lo + s.width - 1, s.lo);
    vast::StatementBlock* write = file.Block();
    vast::StatementBlock* body = file.Block();
    if (storage == StorageKind::kLatch) {
      auto gate = row.AddWire(reg_name + "_gate", 1);
      row.Assign(gate, file.Op(BinaryOp::kLogicalAnd,
                               file.Make<vast::Unary>(vast::UnaryOp::kLogicalNot, ports.clk), en));
      row.BlockingAssign(write, reg, d);
      body->Add<vast::If>(file, gate, write, nullptr);
      row.AlwaysLatch(body);
    } else {
      row.NonblockingAssign(write, reg, d);
      body->Add<vast::If>(file, en, write, nullptr);
      row.AlwaysFf(ports.clk, body);
    }
    row.Assign(Lane(file, ports.read[s.field], {{r, f.row_width}}, s.lo, s.width), reg);
    if (ports.forward_row_en && &s == &slices.back()) row.Assign(BitOf(*ports.forward_row_en, r), en);
  }
}

// Row r of a forwarded field: loads (flip-flops) or is transparent while
// clk is low (latches) under row_en[r], from the stage-2 data. (Taking the
// cell storage row's latch gate instead of its enable would save a gate per
// row but give the latch macro's top level other wiring than the
// flip-flop macro's: docs/ARCHITECTURE.md "Latch storage".)
void AddForwardedRows(vast::ModuleBuilder& m, const vast::Genvar& r, int rows, const vast::InputNet& clk,
                      const vast::InputNet& row_en, const vast::InputNet& data, const vast::OutputNet& read,
                      const std::string& register_name, StorageKind storage) {
  vast::VerilogFile& file = m.verilog_file();
  const int width = data.width();
  auto& row = m.For(r, rows, "g_row");
  auto reg = row.AddReg(register_name, width);
  vast::StatementBlock* write = file.Block();
  vast::StatementBlock* body = file.Block();
  if (storage == StorageKind::kLatch) {
    row.AddComment("row latches transparent while clk is low after the enables' edge (t+1 .. t+2)");
    auto gate = row.AddWire(register_name + "_gate", 1);
    row.Assign(gate, file.Op(BinaryOp::kLogicalAnd,
                             file.Make<vast::Unary>(vast::UnaryOp::kLogicalNot, clk), BitOf(row_en, r)));
    row.BlockingAssign(write, reg, data);
    body->Add<vast::If>(file, gate, write, nullptr);
    row.AlwaysLatch(body);
  } else {
    row.NonblockingAssign(write, reg, data);
    body->Add<vast::If>(file, BitOf(row_en, r), write, nullptr);
    row.AlwaysFf(clk, body);
  }
  row.Assign(Lane(file, read, {{r, width}}, 0, width), reg);
}

}  // namespace

vast::Module* EmitRowStorage(vast::VerilogFile& file, const std::string& name,
                             const std::string& control_module, int rows,
                             const std::vector<RowField>& fields, StorageKind storage,
                             const std::optional<ForwardedField>& forward) {
  vast::ModuleBuilder m(file, name);
  const RowStoragePorts ports = AddPorts(m, rows, fields, forward);
  const vast::Genvar r = m.AddGenvar("r");
  AddRows(m, control_module, r, rows, ports, fields, storage);
  return m.result();
}

vast::Module* EmitCellStorage(vast::VerilogFile& file, const std::string& name,
                              const std::string& control_module, int rows, int cols, int w_bits,
                              StorageKind storage, int forwarded_select_width) {
  std::optional<ForwardedField> forward;
  if (forwarded_select_width > 0) {
    forward = ForwardedField{"wr_sel", "sel_wr_data", "sel_row_en", forwarded_select_width};
  }
  return EmitRowStorage(file, name, control_module, rows,
                        {{"wr_w", "weights", "w_q", cols * w_bits},
                         {"wr_e", "elems", "e_q", cols}},
                        storage, forward);
}

vast::Module* EmitSelectStorage(vast::VerilogFile& file, const std::string& name, int rows, int groups,
                                int sel_bits, StorageKind storage) {
  vast::ModuleBuilder m(file, name);
  auto clk = m.AddInput("clk", 1);
  auto row_en = m.AddInput("row_en", rows);
  auto wr_sel = m.AddInput("wr_sel", groups * sel_bits);
  auto sels = m.AddOutput("sels", rows * groups * sel_bits);
  m.AddComment("rows written through the cell storage's write pipeline: wr_sel is its stage-2 data, "
               "row_en its row enables");
  const vast::Genvar r = m.AddGenvar("r");
  AddForwardedRows(m, r, rows, clk, row_en, wr_sel, sels, "s_q", storage);
  return m.result();
}

}  // namespace flexcim::gen
