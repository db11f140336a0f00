#include "generator/merge_network.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "core/arch_traits.h"
#include "core/errors.h"
#include "generator/emit_util.h"
#include "generator/merge_control_plan.h"
#include "generator/vast/module_builder.h"

namespace flexcim::gen {

using vast::BinaryOp;
using vast::Connection;

namespace {

// `index >> shift`, or `index` itself for shift 0.
vast::Expression* ShiftedDown(vast::VerilogFile& file, vast::Expression* index, int shift) {
  if (shift == 0) return index;
  return file.Op(BinaryOp::kShiftRight, index, file.Int(static_cast<uint64_t>(shift)));
}


// One control register instance u_ctrl in the generate block `loop`.
void ControlCopy(vast::Scope& loop, const std::string& control_register, const vast::Net& clk,
                 vast::Expression* d, const vast::ContinuousTarget& q) {
  loop.AddInstance(control_register, "u_ctrl",
                   {Connection::In("clk", clk), Connection::In("d", d), Connection::Out("q", q)});
}

// Root and leaf control copies of merge level `level`; returns the leaf bus
// (plan.leaves bits, leaf of lane b*C+c = (b*C+c) / columns_per_leaf).
vast::WireNet EmitLevelControl(vast::ModuleBuilder& m, const std::string& control_register,
                               const MergeControlPlan& plan, const vast::Genvar& g, int level) {
  vast::VerilogFile& file = m.verilog_file();
  const vast::Net clk = m.Get("clk");
  // log2 N of this level's vector two cycles before the level captures it:
  // the input for level 1, nlog2_q lane l-2 for level l.
  vast::Expression* source =
      level == 1 ? static_cast<vast::Expression*>(m.Get("nlog2"))
                 : m.Get("nlog2_q").Slice((level - 1) * kNlog2Bits - 1, (level - 2) * kNlog2Bits);
  const int roots = plan.LevelRoots(level), leaves = plan.LevelLeaves(level);
  auto want = m.AddWire(fmt::format("want{}", level), 1);
  auto root = m.AddWire(fmt::format("root{}", level), roots);
  auto leaf = m.AddWire(fmt::format("merge{}", level), leaves);
  m.Assign(want,
           file.Op(BinaryOp::kGe, source, file.Sized(kNlog2Bits, static_cast<uint64_t>(level))));

  ControlCopy(m.For(g, roots, fmt::format("g_root{}", level)), control_register, clk, want,
              BitOf(root, g));
  ControlCopy(m.For(g, leaves, fmt::format("g_leaf{}", level)), control_register, clk,
              BitOf(root, ShiftedDown(file, g, Log2Exact(plan.LevelLeavesPerRoot(level)))),
              BitOf(leaf, g));
  return leaf;
}

// Bits of a level-l sum: it adds at most 2^l column sums of csw bits.
int LevelSumBits(const MacroConfig& config, int level) {
  return std::min(config.merge_lane_width(), config.submacro_output_width() + level);
}

}  // namespace

int MergeOutputLaneBits(const MacroConfig& config, int block) {
  if (block < 0 || block >= config.subs()) {
    throw Error(fmt::format("MergeOutputLaneBits: block {} outside 0..{}", block, config.subs() - 1));
  }
  // Level l sums into blocks below P/2^l at csw + l bits; it only zeroes or
  // passes the blocks above.
  int bits = config.submacro_output_width();
  for (int level = 1; level <= config.log2_subs(); ++level) {
    if (block < (config.subs() >> level)) bits = LevelSumBits(config, level);
  }
  return bits;
}

vast::Module* EmitMergeNetwork(vast::VerilogFile& file, const std::string& name,
                               const std::string& control_register, const MacroConfig& config) {
  const int subs = config.subs();
  const int cols = config.cols();
  // Bit-parallel: column sums in, O-bit lanes. Bit-serial: one bit plane's
  // column sums in, merged plane by plane (the shift-accumulator follows).
  const int csw = config.submacro_output_width();
  const int o = config.merge_lane_width();
  const int lanes = config.output_lanes();
  const MergeControlPlan plan = MergeControlPlan::For(config);
  const int levels = plan.levels;

  vast::ModuleBuilder m(file, name);
  auto clk = m.AddInput("clk", 1);
  std::optional<vast::InputNet> nlog2;
  if (levels > 0) nlog2 = m.AddInput("nlog2", kNlog2Bits);
  auto col_sums = m.AddInput("col_sums", lanes * csw);
  auto out_data = m.AddOutput("out_data", lanes * o);
  if (levels == 0) {
    // P = 1: out_data <= col_sums (the lane width equals the input width).
    auto out_q = m.AddReg("out_q", lanes * o);
    m.ClockedAssign(clk, out_q, col_sums);
    m.Assign(out_data, out_q);
    return m.result();
  }

  auto g = m.AddGenvar("g");
  auto j = m.AddGenvar("j");
  auto i = m.AddGenvar("i");
  auto c = m.AddGenvar("c");
  auto lanes0 = m.AddWire("lanes0", lanes * o);
  if (levels > 1) {
    // nlog2_q lane k-1: log2 N of the vector k cycles after it was on
    // `nlog2` (feeds the root control of level k+1).
    const int stages = levels - 1;
    auto nlog2_q = m.AddReg("nlog2_q", stages * kNlog2Bits);
    vast::Expression* next =
        stages == 1 ? static_cast<vast::Expression*>(*nlog2)
                    : file.Make<vast::Concat>(std::vector<vast::Expression*>{
                          nlog2_q.Slice((stages - 1) * kNlog2Bits - 1, 0), *nlog2});
    m.ClockedAssign(clk, nlog2_q, next);
  }

  // v_0: sign extension of every column sum to O bits.
  auto& extend = m.For(j, lanes, "g_extend");
  vast::Expression* sign = col_sums.Bit(Linear(file, {{j, csw}}, csw - 1));
  extend.Assign(Lane(file, lanes0, {{j, o}}, 0, o),
                file.Make<vast::Concat>(std::vector<vast::Expression*>{
                    file.Make<vast::Replicate>(file.Int(o - csw), sign),
                    Lane(file, col_sums, {{j, csw}}, 0, csw)}));

  const int leaf_shift = Log2Exact(plan.columns_per_leaf);
  const int leaves_per_block = cols / plan.columns_per_leaf;
  vast::Net source = lanes0;
  for (int level = 1; level <= levels; ++level) {
    const vast::WireNet merge = EmitLevelControl(m, control_register, plan, g, level);
    auto target = m.AddReg(fmt::format("level{}_q", level), lanes * o);

    // Summing lanes i*C + c, i < P/2^l; control leaf i*(C/cpl) + c/cpl.
    // A level-l sum adds at most 2^l column sums: it is formed csw + l bits
    // wide from the two lanes' low csw + l bits (each holds at most
    // 2^(l-1) column sums, sign-extended) and sign-extended to the lane,
    // so the copies of its sign are one flip-flop after synthesis. The
    // control picks the sum or the pass value after the adder (a mux):
    // gating block 0's second operand before the adder instead (lane c +
    // (merge ? lane C + c : 0), no mux) saved 2,933 um2 at the default
    // bit-serial macro but put the leaf's fan-out in front of the carry
    // chain: 203.7 MHz instead of 245.3 (docs/PPA.md).
    const int sum_blocks = subs >> level;
    const int sum_width = LevelSumBits(config, level);
    auto& col_loop = m.For(i, sum_blocks, fmt::format("g_sum{}", level))
                         .For(c, cols, fmt::format("g_sum{}_col", level));
    vast::Expression* column_leaf = ShiftedDown(file, c, leaf_shift);
    vast::Expression* sum_leaf =
        leaves_per_block == 1
            ? Linear(file, {{i, 1}})
            : file.Op(BinaryOp::kAdd, Linear(file, {{i, leaves_per_block}}), column_leaf);
    auto sum = col_loop.AddWire("sum", sum_width);
    col_loop.Assign(sum, file.Op(BinaryOp::kAdd,
                                 Lane(file, source, {{i, 2 * cols * o}, {c, o}}, 0, sum_width),
                                 Lane(file, source, {{i, 2 * cols * o}, {c, o}}, cols * o, sum_width)));
    vast::Expression* sum_lane =
        sum_width == o ? static_cast<vast::Expression*>(sum)
                       : file.Make<vast::Concat>(std::vector<vast::Expression*>{
                             file.Make<vast::Replicate>(file.Int(o - sum_width), sum.Bit(sum_width - 1)),
                             sum});
    col_loop.ClockedAssign(clk, Lane(file, target, {{i, cols * o}, {c, o}}, 0, o),
                           file.Mux(BitOf(merge, sum_leaf), sum_lane,
                                    Lane(file, source, {{i, cols * o}, {c, o}}, 0, o)));

    // Lanes from (P/2^l)*C below (P/2^(l-1))*C: zero when merging, else
    // pass through; control leaf (lane) / cpl. Lanes above are zero already
    // when level l merges (MergeControlPlan::LevelControlledLanes): passed.
    const int first_zero_lane = sum_blocks * cols;
    const int first_pass_lane = plan.LevelControlledLanes(level);
    auto& zero_loop = m.For(j, first_pass_lane - first_zero_lane, fmt::format("g_zero{}", level));
    vast::Expression* zero_leaf =
        ShiftedDown(file, Linear(file, {{j, 1}}, first_zero_lane), leaf_shift);
    vast::Expression* zero = file.Make<vast::Replicate>(
        file.Int(o), file.Make<vast::Literal>(1, 0, false, vast::Radix::kBinary));
    zero_loop.ClockedAssign(clk, Lane(file, target, {{j, o}}, first_zero_lane * o, o),
                            file.Mux(BitOf(merge, zero_leaf), zero,
                                     Lane(file, source, {{j, o}}, first_zero_lane * o, o)));
    if (first_pass_lane < lanes) {
      m.ClockedAssign(clk, target.Slice(lanes * o - 1, first_pass_lane * o),
                      source.Slice(lanes * o - 1, first_pass_lane * o));
    }
    source = target;
  }
  m.Assign(out_data, source);
  return m.result();
}

}  // namespace flexcim::gen
