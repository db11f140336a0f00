#include "generator/bit_serial.h"

#include <fmt/format.h>

#include <initializer_list>
#include <optional>
#include <tuple>
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
  auto acc_invert = m.AddOutput("acc_invert", 1);
  auto i = m.AddGenvar("i");
  auto act_q = m.AddReg("act_q", lanes * a);
  auto plane_q = m.AddReg("plane_q", pb);
  auto busy_q = m.AddReg("busy_q", 1);
  auto first = m.AddWire("first", 1);
  auto last = m.AddWire("last", 1);
  auto invert = m.AddWire("invert", 1);

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
  // Planes A-2 and A-1 (A >= 2): plane_q >= A-2, every busy plane when A = 2.
  m.Assign(invert, a == 2 ? static_cast<vast::Expression*>(busy_q)
                          : file.Op(BinaryOp::kBitwiseAnd, busy_q,
                                    file.Op(BinaryOp::kGe, plane_q,
                                            file.Sized(pb, static_cast<uint64_t>(a - 2)))));
  EmitDelayLine(m, clk, "first_q", first, acc_first, flag_delay);
  EmitDelayLine(m, clk, "last_q", last, acc_last, flag_delay);
  EmitDelayLine(m, clk, "invert_q", invert, acc_invert, flag_delay);

  auto& loop = m.For(i, lanes, "g_lane");
  loop.Assign(act_plane.Bit(i), act_q.Bit(Linear(file, {{i, a}})));
  return m.result();
}

void AddSerializer(vast::ModuleBuilder& m, const std::string& module_name, int lanes) {
  auto act_plane = m.AddWire("act_plane", lanes);
  auto acc_first = m.AddWire("acc_first", 1);
  auto acc_last = m.AddWire("acc_last", 1);
  auto acc_invert = m.AddWire("acc_invert", 1);
  std::vector<vast::Connection> ports;
  for (const char* port : {"clk", "rst_n", "in_valid", "in_act"}) {
    ports.push_back(vast::Connection::In(port, m.Get(port)));
  }
  ports.push_back(vast::Connection::Out("act_plane", act_plane));
  ports.push_back(vast::Connection::Out("acc_first", acc_first));
  ports.push_back(vast::Connection::Out("acc_last", acc_last));
  ports.push_back(vast::Connection::Out("acc_invert", acc_invert));
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

namespace {

// Consecutive lanes of one plane-sum width.
struct LaneRun {
  int first;  // first lane
  int count;
  int width;  // bits of each lane's plane sum that carry its value
};

std::vector<LaneRun> LaneRuns(const std::vector<int>& lane_widths) {
  std::vector<LaneRun> runs;
  for (int lane = 0; lane < static_cast<int>(lane_widths.size()); ++lane) {
    if (!runs.empty() && runs.back().width == lane_widths[lane]) {
      ++runs.back().count;
    } else {
      runs.push_back({lane, 1, lane_widths[lane]});
    }
  }
  return runs;
}

// The shift-accumulator's ports (in this order) and its lane genvar.
struct AccumulatorPorts {
  vast::InputNet clk, first, last, invert, plane_sums;
  vast::OutputNet sums;
  vast::Genvar i;
};

AccumulatorPorts AddAccumulatorPorts(vast::ModuleBuilder& m, int lanes, int in_width,
                                     int out_width) {
  auto clk = m.AddInput("clk", 1);
  auto first = m.AddInput("first", 1);
  auto last = m.AddInput("last", 1);
  auto invert = m.AddInput("invert", 1);
  auto plane_sums = m.AddInput("plane_sums", lanes * in_width);
  auto sums = m.AddOutput("sums", lanes * out_width);
  auto i = m.AddGenvar("i");
  return {clk, first, last, invert, plane_sums, sums, i};
}

// One flip-flop (an instance of `control_module`) per (instance, d, q):
// the lane's copies of the plane flags.
template <typename Scope>
void AddFlagCopies(
    Scope& loop, const std::string& control_module, const vast::Net& clk,
    std::initializer_list<std::tuple<const char*, vast::Expression*, vast::WireNet*>> copies) {
  for (const auto& [instance, d, q] : copies) {
    loop.AddInstance(control_module, instance,
                     {vast::Connection::In("clk", clk), vast::Connection::In("d", d),
                      vast::Connection::Out("q", *q)});
  }
}

// EmitShiftAccumulator with split_bit = k > 0, every lane in_width wide.
// The adder region of a lane is acc[A-1 +: n], n = in_width + 1 (region bit
// j = acc[A-1+j]). In the cycle that adds plane t's low part (region bits
// [0, k), plane bits [0, k) of vector plane t) the high part (region bits
// [k, n)) adds plane t-1's (plane bits from k up lag by one cycle on
// plane_sums, as the split adder tree delivers them) with carry_q, the low
// add's carry of plane t-1. The low add reads region bit k of plane t-1
// from the high adder's bit 0 in the same cycle (an XOR of registers, no
// carry chain). The flags of the high part are the lanes' flag copies
// delayed once more; low_q delays the low bits once so that `sums` shows a
// whole result one cycle after the unsplit accumulator would.
vast::Module* EmitSplitShiftAccumulator(vast::VerilogFile& file, const std::string& name,
                                        const std::string& control_module, int in_width,
                                        int lanes, int a_bits, int k) {
  const int n = in_width + 1;   // region bits
  const int aw = in_width + a_bits;
  const int lo = a_bits - 1;    // bits below the region
  const int low_bits = lo + k;  // acc bits on the low part's timing
  if (k < 2 || k >= in_width) {
    throw Error(fmt::format("EmitShiftAccumulator: split bit {} outside 2..{}", k, in_width - 1));
  }
  vast::ModuleBuilder m(file, name);
  const auto [clk, first, last, invert, plane_sums, sums, i] =
      AddAccumulatorPorts(m, lanes, in_width, aw);
  auto acc_q = m.AddReg("acc_q", lanes * aw);
  auto carry_q = m.AddReg("carry_q", lanes);
  auto low_q = m.AddReg("low_q", lanes * low_bits);
  auto keep = m.AddWire("keep", 1);
  m.Assign(keep, file.Make<vast::Unary>(vast::UnaryOp::kBitwiseNot, first));

  auto& loop = m.For(i, lanes, "g_lane");
  auto keep_q = loop.AddWire("keep_q", 1);
  auto last_q = loop.AddWire("last_q", 1);
  auto invert_q = loop.AddWire("invert_q", 1);
  auto keep_d = loop.AddWire("keep_d", 1);
  auto invert_d = loop.AddWire("invert_d", 1);
  AddFlagCopies(loop, control_module, clk,
                {{"u_first", keep, &keep_q},
                 {"u_last", last, &last_q},
                 {"u_invert", invert, &invert_q},
                 {"u_first_d", keep_q, &keep_d},
                 {"u_invert_d", invert_q, &invert_d}});
  auto replicate = [&](int width, vast::Expression* bit) {
    return file.Make<vast::Replicate>(file.Int(static_cast<uint64_t>(width)), bit);
  };
  auto plane = loop.AddWire("plane", in_width);
  loop.Assign(plane, Lane(file, plane_sums, {{i, in_width}}, 0, in_width));
  // High part (previous plane): region bits [k, n) of (acc >>> 1), i.e.
  // acc[A+k .. aw-1] sign-extended by one bit, zero after a first plane.
  auto held_hi = loop.AddWire("held_hi", n - k);
  loop.Assign(held_hi, file.Op(BinaryOp::kBitwiseAnd, replicate(n - k, keep_d),
                               SignExtendedLaneByOne(file, acc_q, {{i, aw}}, a_bits + k,
                                                     n - 1 - k)));
  auto upper = loop.AddWire("upper", n - k);
  loop.Assign(
      upper,
      file.Op(BinaryOp::kBitwiseXor,
              file.Op(BinaryOp::kAdd,
                      file.Op(BinaryOp::kAdd, held_hi,
                              file.Make<vast::Concat>(std::vector<vast::Expression*>{
                                  plane.Bit(in_width - 1), plane.Slice(in_width - 1, k)})),
                      ZeroExtended(file, BitOf(carry_q, i), 1, n - k)),
              replicate(n - k, invert_d)));
  // Low part (this plane): region bits [0, k) of (acc >>> 1): acc[A .. A+k-2]
  // and, as its top bit, region bit k of the previous plane (upper[0]).
  auto held_low = loop.AddWire("held_low", k);
  loop.Assign(held_low,
              file.Op(BinaryOp::kBitwiseAnd, replicate(k, keep_q),
                      file.Make<vast::Concat>(std::vector<vast::Expression*>{
                          upper.Bit(0), Lane(file, acc_q, {{i, aw}}, a_bits, k - 1)})));
  auto lower = loop.AddWire("lower", k + 1);
  loop.Assign(lower, file.Op(BinaryOp::kAdd, ZeroExtended(file, held_low, k, k + 1),
                             ZeroExtended(file, plane.Slice(k - 1, 0), k, k + 1)));
  // Below the region, as in the unsplit accumulator: acc[A-1:1] shifted,
  // the complemented bit of plane A-2 restored on the sign plane.
  std::vector<vast::Expression*> next_low{
      file.Op(BinaryOp::kBitwiseXor, lower.Slice(k - 1, 0), replicate(k, invert_q)),
      file.Op(BinaryOp::kBitwiseXor, acc_q.Bit(Linear(file, {{i, aw}}, lo)), last_q)};
  if (lo > 1) next_low.push_back(Lane(file, acc_q, {{i, aw}}, 1, lo - 1));
  loop.ClockedAssign(clk, Lane(file, acc_q, {{i, aw}}, 0, low_bits),
                     file.Make<vast::Concat>(next_low));
  loop.ClockedAssign(clk, Lane(file, acc_q, {{i, aw}}, low_bits, n - k), upper);
  loop.ClockedAssign(clk, BitOf(carry_q, i), lower.Bit(k));
  loop.ClockedAssign(clk, Lane(file, low_q, {{i, low_bits}}, 0, low_bits),
                     Lane(file, acc_q, {{i, aw}}, 0, low_bits));
  loop.Assign(Lane(file, sums, {{i, aw}}, 0, aw),
              file.Make<vast::Concat>(std::vector<vast::Expression*>{
                  Lane(file, acc_q, {{i, aw}}, low_bits, n - k),
                  Lane(file, low_q, {{i, low_bits}}, 0, low_bits)}));
  return m.result();
}

}  // namespace

vast::Module* EmitShiftAccumulator(vast::VerilogFile& file, const std::string& name,
                                   const std::string& control_module, int in_width,
                                   const std::vector<int>& lane_widths, int a_bits,
                                   int split_bit) {
  if (a_bits < 2) throw Error(fmt::format("EmitShiftAccumulator: A = {} < 2", a_bits));
  if (lane_widths.empty()) throw Error("EmitShiftAccumulator: no lanes");
  if (split_bit > 0) {
    for (int w : lane_widths) {
      if (w != in_width) {
        throw Error(fmt::format(
            "EmitShiftAccumulator: a split accumulator needs every lane {} bits wide, not {}",
            in_width, w));
      }
    }
    return EmitSplitShiftAccumulator(file, name, control_module, in_width,
                                     static_cast<int>(lane_widths.size()), a_bits, split_bit);
  }
  for (int w : lane_widths) {
    if (w < 1 || w > in_width) {
      throw Error(fmt::format("EmitShiftAccumulator: lane width {} outside 1..{}", w, in_width));
    }
  }
  const int lanes = static_cast<int>(lane_widths.size());
  const int ow = in_width + a_bits;  // a lane of `sums`
  const int lo = a_bits - 1;         // bits below the plane's weight 2^(A-1)
  const std::vector<LaneRun> runs = LaneRuns(lane_widths);
  // Every lane at the port's width: one loop, the accumulator is `sums`.
  const bool uniform = runs.size() == 1 && runs[0].width == in_width;
  vast::ModuleBuilder m(file, name);
  const auto [clk, first, last, invert, plane_sums, sums, i] =
      AddAccumulatorPorts(m, lanes, in_width, ow);
  std::vector<vast::RegNet> accs;
  for (size_t g = 0; g < runs.size(); ++g) {
    accs.push_back(m.AddReg(uniform ? std::string("acc_q") : fmt::format("acc{}_q", g),
                            runs[g].count * (runs[g].width + a_bits)));
  }
  // The lanes' copies of `first` hold its complement, so that they gate the
  // held value with an AND and no inverter sits after the copy.
  auto keep = m.AddWire("keep", 1);
  m.Assign(keep, file.Make<vast::Unary>(vast::UnaryOp::kBitwiseNot, first));
  if (uniform) m.Assign(sums, accs[0]);

  for (size_t g = 0; g < runs.size(); ++g) {
    const LaneRun& run = runs[g];
    const vast::RegNet& acc_q = accs[g];
    const int iw = run.width;        // this run's plane-sum bits
    const int aw = iw + a_bits;      // and accumulator bits
    const long long in_base = static_cast<long long>(run.first) * in_width;
    auto& loop = m.For(i, run.count, uniform ? std::string("g_lane") : fmt::format("g_lane{}", g));
    // Per-lane copies of the plane flags (one cycle after the ports): each
    // drives one lane's gates, not all lanes'.
    auto keep_q = loop.AddWire("keep_q", 1);
    auto last_q = loop.AddWire("last_q", 1);
    auto invert_q = loop.AddWire("invert_q", 1);
    AddFlagCopies(loop, control_module, clk,
                  {{"u_first", keep, &keep_q}, {"u_last", last, &last_q}, {"u_invert", invert, &invert_q}});
    auto plane = loop.AddWire("plane", iw);
    // (acc >>> 1)'s bits from A-1 up, i.e. acc[aw-1:A] sign-extended by one
    // bit, zero on the first plane.
    auto held_hi = loop.AddWire("held_hi", iw + 1);
    // (acc >>> 1)'s low A-1 bits: acc[A-1:1]. Not cleared on the first
    // plane: A-1 shifts move them out before the last plane's result.
    auto held_lo = loop.AddWire("held_lo", lo);
    // held_hi + the plane sign-extended, complemented on planes.
    auto upper = loop.AddWire("upper", iw + 1);
    // The lane's plane sum is the sign extension of its low iw bits
    // (generator/merge_network.h MergeOutputLaneBits): the bits above are
    // copies of bit iw-1, read by nothing.
    std::optional<vast::WireNet> unused_sign_copies;
    if (iw < in_width) unused_sign_copies = loop.AddWire("unused_sign_copies", in_width - iw);
    loop.Assign(plane, Lane(file, plane_sums, {{i, in_width}}, in_base, iw));
    if (unused_sign_copies) {
      loop.Assign(*unused_sign_copies,
                  Lane(file, plane_sums, {{i, in_width}}, in_base + iw, in_width - iw));
    }
    loop.Assign(held_hi,
                file.Op(BinaryOp::kBitwiseAnd,
                        file.Make<vast::Replicate>(file.Int(static_cast<uint64_t>(iw + 1)), keep_q),
                        SignExtendedLaneByOne(file, acc_q, {{i, aw}}, a_bits, iw)));
    loop.Assign(held_lo, Lane(file, acc_q, {{i, aw}}, 1, lo));
    loop.Assign(upper,
                file.Op(BinaryOp::kBitwiseXor,
                        file.Op(BinaryOp::kAdd, held_hi,
                                file.Make<vast::Concat>(
                                    std::vector<vast::Expression*>{plane.Bit(iw - 1), plane})),
                        file.Make<vast::Replicate>(file.Int(static_cast<uint64_t>(iw + 1)),
                                                   invert_q)));
    // acc <= (acc >>> 1) + plane * 2^(A-1), and on the sign plane
    // acc <= (acc >>> 1) - plane * 2^(A-1) = ~(~(acc >>> 1) + plane * 2^(A-1)):
    // plane A-2 stores its upper bits complemented (so the sign plane reads
    // ~(acc >>> 1) without a gate on its path) and the sign plane complements
    // its sum back. The complemented bit A-1 of plane A-2 has moved to bit
    // A-2 by then, which the sign plane restores. The add has no carry-in and
    // the complements sit after it, not before.
    std::vector<vast::Expression*> next{upper};
    next.push_back(file.Op(BinaryOp::kBitwiseXor,
                           lo == 1 ? static_cast<vast::Expression*>(held_lo) : held_lo.Bit(lo - 1),
                           last_q));
    if (lo > 1) next.push_back(held_lo.Slice(lo - 2, 0));
    loop.ClockedAssign(clk, Lane(file, acc_q, {{i, aw}}, 0, aw), file.Make<vast::Concat>(next));
    if (!uniform) {
      // The lane on the port's width: the accumulator sign-extended.
      vast::Expression* lane = Lane(file, acc_q, {{i, aw}}, 0, aw);
      if (aw < ow) {
        lane = file.Make<vast::Concat>(std::vector<vast::Expression*>{
            file.Make<vast::Replicate>(file.Int(static_cast<uint64_t>(ow - aw)),
                                       acc_q.Bit(Linear(file, {{i, aw}}, aw - 1))),
            lane});
      }
      loop.Assign(Lane(file, sums, {{i, ow}}, static_cast<long long>(run.first) * ow, ow), lane);
    }
  }
  return m.result();
}

}  // namespace flexcim::gen
