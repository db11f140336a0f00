#include "generator/bit_serial.h"

#include <fmt/format.h>

#include <vector>

#include "core/errors.h"
#include "generator/emit_util.h"
#include "generator/vast/module_builder.h"

namespace flexcim::gen {

using vast::BinaryOp;

namespace {

// Bits of a counter that holds 0..a_bits-1.
int CounterBits(int a_bits) {
  int bits = 1;
  while ((1 << bits) < a_bits) ++bits;
  return bits;
}

// <reg> <= {<reg>[d-2:0], <in>}; <out> = <reg>[d-1]
void EmitDelayLine(vast::ModuleBuilder& m, const vast::Net& clk, const std::string& reg_name,
                   const vast::Net& in, const vast::ContinuousTarget& out, int delay) {
  vast::VerilogFile& file = m.verilog_file();
  auto reg = m.AddReg(reg_name, delay);
  vast::Expression* next =
      delay == 1
          ? static_cast<vast::Expression*>(in)
          : file.Make<vast::Concat>(std::vector<vast::Expression*>{reg.Slice(delay - 2, 0), in});
  m.ClockedAssign(clk, reg, next);
  m.Assign(out, delay == 1 ? static_cast<vast::Expression*>(reg) : reg.Bit(delay - 1));
}

}  // namespace

vast::Module* EmitActivationSerializer(vast::VerilogFile& file, const std::string& name,
                                       int lanes, int a_bits, int flag_delay) {
  if (flag_delay < 1) throw Error(fmt::format("EmitActivationSerializer: delay {} < 1", flag_delay));
  const int a = a_bits;
  const int pb = CounterBits(a);
  vast::ModuleBuilder m(file, name);
  auto clk = m.AddInput("clk", 1);
  auto rst_n = m.AddInput("rst_n", 1);
  auto in_valid = m.AddInput("in_valid", 1);
  auto in_act = m.AddInput("in_act", lanes * a);
  auto act_plane = m.AddOutput("act_plane", lanes);
  auto acc_first = m.AddOutput("acc_first", 1);
  auto acc_last = m.AddOutput("acc_last", 1);
  auto i = m.AddGenvar("i");
  auto act_q = m.AddReg("act_q", lanes * a);
  auto plane_q = m.AddReg("plane_q", pb);
  auto busy_q = m.AddReg("busy_q", 1);
  auto first = m.AddWire("first", 1);
  auto last = m.AddWire("last", 1);

  // act_q: the captured vector, shifted right once per cycle so that bit 0
  // of lane i is plane k in the k-th cycle after the capture.
  vast::StatementBlock* load = file.Block();
  m.NonblockingAssign(load, act_q, in_act);
  vast::StatementBlock* shift = file.Block();
  m.NonblockingAssign(shift, act_q, file.Op(BinaryOp::kShiftRight, act_q, file.Int(1)));
  vast::StatementBlock* act_body = file.Block();
  act_body->Add<vast::If>(file, in_valid, load, shift);
  m.AlwaysFf(clk, act_body);

  // Plane counter: busy for the A cycles after the capture.
  vast::StatementBlock* on_reset = file.Block();
  m.NonblockingAssign(on_reset, busy_q, file.Sized(1, 0));
  vast::StatementBlock* on_accept = file.Block();
  m.NonblockingAssign(on_accept, busy_q, file.Sized(1, 1));
  m.NonblockingAssign(on_accept, plane_q, file.Sized(pb, 0));
  vast::StatementBlock* on_busy = file.Block();
  m.NonblockingAssign(on_busy, plane_q, file.Op(BinaryOp::kAdd, plane_q, file.Sized(pb, 1)));
  m.NonblockingAssign(
      on_busy, busy_q,
      file.Op(BinaryOp::kNe, plane_q, file.Sized(pb, static_cast<uint64_t>(a - 1))));
  vast::StatementBlock* busy_chain = file.Block();
  busy_chain->Add<vast::If>(file, busy_q, on_busy, nullptr);
  vast::StatementBlock* run = file.Block();
  run->Add<vast::If>(file, in_valid, on_accept, busy_chain);
  vast::StatementBlock* counter_body = file.Block();
  counter_body->Add<vast::If>(file, file.Make<vast::Unary>(vast::UnaryOp::kLogicalNot, rst_n),
                              on_reset, run);
  m.AlwaysFf(clk, counter_body);

  m.Assign(first, file.Op(BinaryOp::kBitwiseAnd, busy_q,
                          file.Op(BinaryOp::kEq, plane_q, file.Sized(pb, 0))));
  m.Assign(last, file.Op(BinaryOp::kBitwiseAnd, busy_q,
                         file.Op(BinaryOp::kEq, plane_q,
                                 file.Sized(pb, static_cast<uint64_t>(a - 1)))));
  EmitDelayLine(m, clk, "first_q", first, acc_first, flag_delay);
  EmitDelayLine(m, clk, "last_q", last, acc_last, flag_delay);

  auto& loop = m.For(i, lanes, "g_lane");
  loop.Assign(act_plane.Bit(i), act_q.Bit(Linear(file, {{i, a}})));
  return m.result();
}

void AddSerializer(vast::ModuleBuilder& m, const std::string& module_name, int lanes) {
  auto act_plane = m.AddWire("act_plane", lanes);
  auto acc_first = m.AddWire("acc_first", 1);
  auto acc_last = m.AddWire("acc_last", 1);
  std::vector<vast::Connection> ports;
  for (const char* port : {"clk", "rst_n", "in_valid", "in_act"}) {
    ports.push_back(vast::Connection::In(port, m.Get(port)));
  }
  ports.push_back(vast::Connection::Out("act_plane", act_plane));
  ports.push_back(vast::Connection::Out("acc_first", acc_first));
  ports.push_back(vast::Connection::Out("acc_last", acc_last));
  m.AddInstance(module_name, "u_serializer", ports);
}

vast::Module* EmitAndCell(vast::VerilogFile& file, const std::string& name, int w_bits) {
  vast::ModuleBuilder m(file, name);
  auto act = m.AddInput("act", 1);
  auto weight = m.AddInput("weight", w_bits, /*is_signed=*/true);
  auto product = m.AddOutput("product", w_bits, /*is_signed=*/true);
  m.Assign(product,
           file.Op(BinaryOp::kBitwiseAnd, weight,
                   file.Make<vast::Replicate>(file.Int(static_cast<uint64_t>(w_bits)), act)));
  return m.result();
}

vast::Module* EmitShiftAccumulator(vast::VerilogFile& file, const std::string& name,
                                   const std::string& control_module, int lanes, int in_width,
                                   int a_bits) {
  const int iw = in_width;
  const int ow = in_width + a_bits;
  vast::ModuleBuilder m(file, name);
  auto clk = m.AddInput("clk", 1);
  auto first = m.AddInput("first", 1);
  auto last = m.AddInput("last", 1);
  auto plane_sums = m.AddInput("plane_sums", lanes * iw);
  auto sums = m.AddOutput("sums", lanes * ow);
  auto i = m.AddGenvar("i");
  auto acc_q = m.AddReg("acc_q", lanes * ow);

  auto& loop = m.For(i, lanes, "g_lane");
  // Per-lane copies of the plane flags (one cycle after the ports): each
  // drives one lane's ow-bit muxes, not all C lanes'.
  auto first_q = loop.AddWire("first_q", 1);
  auto last_q = loop.AddWire("last_q", 1);
  loop.AddInstance(control_module, "u_first",
                   {vast::Connection::In("clk", clk), vast::Connection::In("d", first),
                    vast::Connection::Out("q", first_q)});
  loop.AddInstance(control_module, "u_last",
                   {vast::Connection::In("clk", clk), vast::Connection::In("d", last),
                    vast::Connection::Out("q", last_q)});
  auto plane = loop.AddWire("plane", iw);
  // acc_q's lane without its bit 0, which the shift drops (it is 0).
  auto acc_hi = loop.AddWire("acc_hi", ow - 1);
  auto held = loop.AddWire("held", ow);
  // The plane, sign-extended by one bit, inverted on the last plane.
  auto addend = loop.AddWire("addend", iw + 1);
  // held[ow-1:A-1] + addend + last: one adder with carry-in `last`.
  auto upper = loop.AddWire("upper", iw + 1);
  loop.Assign(plane, Lane(file, plane_sums, {{i, iw}}, 0, iw));
  loop.Assign(acc_hi, Lane(file, acc_q, {{i, ow}}, 1, ow - 1));
  // held = first ? 0 : acc >>> 1 (exact: acc is even whenever it is shifted).
  loop.Assign(held, file.Mux(first_q, file.Sized(ow, 0),
                             file.Make<vast::Concat>(
                                 std::vector<vast::Expression*>{acc_hi.Bit(ow - 2), acc_hi})));
  loop.Assign(addend,
              file.Op(BinaryOp::kBitwiseXor,
                      file.Make<vast::Concat>(std::vector<vast::Expression*>{plane.Bit(iw - 1), plane}),
                      file.Make<vast::Replicate>(file.Int(static_cast<uint64_t>(iw + 1)), last_q)));
  loop.Assign(upper,
              file.Op(BinaryOp::kAdd,
                      file.Op(BinaryOp::kAdd, held.Slice(ow - 1, a_bits - 1), addend),
                      file.Make<vast::Concat>(std::vector<vast::Expression*>{
                          file.Sized(iw, 0), last_q})));
  // acc +/- plane * 2^(A-1): the plane's term is 0 below bit A-1, so the
  // low A-1 bits are held's and one (iw+1)-bit adder with carry-in `last`
  // forms the rest (subtracting = adding the inverted plane plus one).
  loop.ClockedAssign(clk, Lane(file, acc_q, {{i, ow}}, 0, ow),
                     file.Make<vast::Concat>(std::vector<vast::Expression*>{
                         upper, held.Slice(a_bits - 2, 0)}));
  m.Assign(sums, acc_q);
  return m.result();
}

}  // namespace flexcim::gen
