#include "generator/bit_serial.h"

#include <fmt/format.h>

#include <vector>

#include "core/errors.h"
#include "generator/emit_util.h"

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
void EmitDelayLine(vast::VerilogFile& file, vast::Module* m, const std::string& reg,
                   const std::string& in, const std::string& out, int delay) {
  DeclareReg(file, m, reg, delay);
  vast::Expression* next =
      delay == 1 ? static_cast<vast::Expression*>(file.Id(in))
                 : file.Make<vast::Concat>(std::vector<vast::Expression*>{
                       file.Range(file.Id(reg), delay - 2, 0), file.Id(in)});
  m->AddAlways(ClockedAssign(file, file.Id(reg), next));
  m->AddAssign(file.Make<vast::ContinuousAssign>(
      file.Id(out), delay == 1 ? static_cast<vast::Expression*>(file.Id(reg))
                               : file.Bit(file.Id(reg), file.Int(delay - 1))));
}

}  // namespace

vast::Module* EmitActivationSerializer(vast::VerilogFile& file, const std::string& name,
                                       int lanes, int a_bits, int flag_delay) {
  if (flag_delay < 1) throw Error(fmt::format("EmitActivationSerializer: delay {} < 1", flag_delay));
  const int a = a_bits;
  const int pb = CounterBits(a);
  vast::Module* m = file.AddModule(name);
  m->AddPort(vast::Direction::kInput, "clk", 1);
  m->AddPort(vast::Direction::kInput, "rst_n", 1);
  m->AddPort(vast::Direction::kInput, "in_valid", 1);
  m->AddPort(vast::Direction::kInput, "in_act", lanes * a);
  m->AddPort(vast::Direction::kOutput, "act_plane", lanes);
  m->AddPort(vast::Direction::kOutput, "acc_first", 1);
  m->AddPort(vast::Direction::kOutput, "acc_last", 1);
  m->AddDeclaration(file.Make<vast::GenvarDeclaration>("i"));
  DeclareWire(file, m, "accept", 1);
  DeclareReg(file, m, "act_q", lanes * a);
  DeclareReg(file, m, "plane_q", pb);
  DeclareReg(file, m, "busy_q", 1);
  DeclareWire(file, m, "first", 1);
  DeclareWire(file, m, "last", 1);
  m->AddAssign(file.Make<vast::ContinuousAssign>(
      file.Id("accept"), file.Op(BinaryOp::kBitwiseAnd, file.Id("in_valid"), file.Id("rst_n"))));

  // act_q: the captured vector, shifted right once per cycle so that bit 0
  // of lane i is plane k in the k-th cycle after the capture.
  vast::StatementBlock* load = file.Block();
  load->Add<vast::NonblockingAssign>(file, file.Id("act_q"), file.Id("in_act"));
  vast::StatementBlock* shift = file.Block();
  shift->Add<vast::NonblockingAssign>(
      file, file.Id("act_q"),
      file.Op(BinaryOp::kShiftRight, file.Id("act_q"), file.Int(1)));
  vast::StatementBlock* act_body = file.Block();
  act_body->Add<vast::If>(file, file.Id("accept"), load, shift);
  m->AddAlways(file.Make<vast::AlwaysFf>(file.Id("clk"), act_body));

  // Plane counter: busy for the A cycles after the capture.
  vast::StatementBlock* on_reset = file.Block();
  on_reset->Add<vast::NonblockingAssign>(file, file.Id("busy_q"), file.Sized(1, 0));
  vast::StatementBlock* on_accept = file.Block();
  on_accept->Add<vast::NonblockingAssign>(file, file.Id("busy_q"), file.Sized(1, 1));
  on_accept->Add<vast::NonblockingAssign>(file, file.Id("plane_q"), file.Sized(pb, 0));
  vast::StatementBlock* on_busy = file.Block();
  on_busy->Add<vast::NonblockingAssign>(
      file, file.Id("plane_q"), file.Op(BinaryOp::kAdd, file.Id("plane_q"), file.Sized(pb, 1)));
  on_busy->Add<vast::NonblockingAssign>(
      file, file.Id("busy_q"),
      file.Op(BinaryOp::kNe, file.Id("plane_q"), file.Sized(pb, static_cast<uint64_t>(a - 1))));
  vast::StatementBlock* busy_chain = file.Block();
  busy_chain->Add<vast::If>(file, file.Id("busy_q"), on_busy, nullptr);
  vast::StatementBlock* run = file.Block();
  run->Add<vast::If>(file, file.Id("in_valid"), on_accept, busy_chain);
  vast::StatementBlock* counter_body = file.Block();
  counter_body->Add<vast::If>(
      file, file.Make<vast::Unary>(vast::UnaryOp::kLogicalNot, file.Id("rst_n")), on_reset, run);
  m->AddAlways(file.Make<vast::AlwaysFf>(file.Id("clk"), counter_body));

  m->AddAssign(file.Make<vast::ContinuousAssign>(
      file.Id("first"),
      file.Op(BinaryOp::kBitwiseAnd, file.Id("busy_q"),
              file.Op(BinaryOp::kEq, file.Id("plane_q"), file.Sized(pb, 0)))));
  m->AddAssign(file.Make<vast::ContinuousAssign>(
      file.Id("last"),
      file.Op(BinaryOp::kBitwiseAnd, file.Id("busy_q"),
              file.Op(BinaryOp::kEq, file.Id("plane_q"),
                      file.Sized(pb, static_cast<uint64_t>(a - 1))))));
  EmitDelayLine(file, m, "first_q", "first", "acc_first", flag_delay);
  EmitDelayLine(file, m, "last_q", "last", "acc_last", flag_delay);

  auto* loop = file.Make<vast::GenerateFor>("i", file.Int(static_cast<uint64_t>(lanes)), "g_lane");
  loop->Add(file.Make<vast::ContinuousAssign>(
      file.Bit(file.Id("act_plane"), file.Id("i")),
      file.Bit(file.Id("act_q"), Linear(file, {{"i", a}}))));
  m->AddGenerate(loop);
  return m;
}

void AddSerializer(vast::VerilogFile& file, vast::Module* m, const std::string& module_name,
                   int lanes) {
  DeclareWire(file, m, "act_plane", lanes);
  DeclareWire(file, m, "acc_first", 1);
  DeclareWire(file, m, "acc_last", 1);
  std::vector<vast::Instance::Binding> ports;
  for (const char* port :
       {"clk", "rst_n", "in_valid", "in_act", "act_plane", "acc_first", "acc_last"}) {
    ports.push_back({port, file.Id(port)});
  }
  m->AddInstance(file.Make<vast::Instance>(module_name, "u_serializer",
                                           std::vector<vast::Instance::Binding>{}, ports));
}

vast::Module* EmitAndCell(vast::VerilogFile& file, const std::string& name, int w_bits) {
  vast::Module* m = file.AddModule(name);
  m->AddPort(vast::Direction::kInput, "act", 1);
  m->AddPort(vast::Direction::kInput, "weight", w_bits, /*is_signed=*/true);
  m->AddPort(vast::Direction::kOutput, "product", w_bits, /*is_signed=*/true);
  m->AddAssign(file.Make<vast::ContinuousAssign>(
      file.Id("product"),
      file.Op(BinaryOp::kBitwiseAnd, file.Id("weight"),
              file.Make<vast::Replicate>(file.Int(static_cast<uint64_t>(w_bits)),
                                         file.Id("act")))));
  return m;
}

vast::Module* EmitShiftAccumulator(vast::VerilogFile& file, const std::string& name, int lanes,
                                   int in_width, int a_bits) {
  const int iw = in_width;
  const int ow = in_width + a_bits;
  vast::Module* m = file.AddModule(name);
  m->AddPort(vast::Direction::kInput, "clk", 1);
  m->AddPort(vast::Direction::kInput, "first", 1);
  m->AddPort(vast::Direction::kInput, "last", 1);
  m->AddPort(vast::Direction::kInput, "plane_sums", lanes * iw);
  m->AddPort(vast::Direction::kOutput, "sums", lanes * ow);
  m->AddDeclaration(file.Make<vast::GenvarDeclaration>("i"));
  DeclareReg(file, m, "acc_q", lanes * ow);

  auto* loop = file.Make<vast::GenerateFor>("i", file.Int(static_cast<uint64_t>(lanes)), "g_lane");
  loop->Add(file.Make<vast::NetDeclaration>(vast::NetKind::kWire, "plane", iw, false));
  // acc_q's lane without its bit 0, which the shift drops (it is 0).
  loop->Add(file.Make<vast::NetDeclaration>(vast::NetKind::kWire, "acc_hi", ow - 1, false));
  loop->Add(file.Make<vast::NetDeclaration>(vast::NetKind::kWire, "term", ow, false));
  loop->Add(file.Make<vast::NetDeclaration>(vast::NetKind::kWire, "held", ow, false));
  loop->Add(file.Make<vast::ContinuousAssign>(file.Id("plane"),
                                              Lane(file, "plane_sums", {{"i", iw}}, 0, iw)));
  loop->Add(file.Make<vast::ContinuousAssign>(file.Id("acc_hi"),
                                              Lane(file, "acc_q", {{"i", ow}}, 1, ow - 1)));
  // term = plane sign-extended by one bit, times 2^(A-1).
  loop->Add(file.Make<vast::ContinuousAssign>(
      file.Id("term"),
      file.Make<vast::Concat>(std::vector<vast::Expression*>{
          file.Bit(file.Id("plane"), file.Int(static_cast<uint64_t>(iw - 1))), file.Id("plane"),
          file.Sized(a_bits - 1, 0)})));
  // held = first ? 0 : acc >>> 1 (exact: acc is even whenever it is shifted).
  loop->Add(file.Make<vast::ContinuousAssign>(
      file.Id("held"),
      file.Mux(file.Id("first"), file.Sized(ow, 0),
               file.Make<vast::Concat>(std::vector<vast::Expression*>{
                   file.Bit(file.Id("acc_hi"), file.Int(static_cast<uint64_t>(ow - 2))),
                   file.Id("acc_hi")}))));
  loop->Add(ClockedAssign(
      file, Lane(file, "acc_q", {{"i", ow}}, 0, ow),
      file.Mux(file.Id("last"), file.Op(BinaryOp::kSub, file.Id("held"), file.Id("term")),
               file.Op(BinaryOp::kAdd, file.Id("held"), file.Id("term")))));
  m->AddGenerate(loop);
  m->AddAssign(file.Make<vast::ContinuousAssign>(file.Id("sums"), file.Id("acc_q")));
  return m;
}

}  // namespace flexcim::gen
