#include "generator/merge_network.h"

#include <fmt/format.h>

#include <vector>

#include "core/arch_traits.h"
#include "generator/emit_util.h"
#include "generator/merge_control_plan.h"

namespace flexcim::gen {

using vast::BinaryOp;
using Binding = vast::Instance::Binding;

namespace {


// P = 1: out_data <= col_sums (O equals the column-sum width).
void EmitOutputRegister(vast::VerilogFile& file, vast::Module* m, int width) {
  DeclareReg(file, m, "out_q", width);
  m->AddAlways(ClockedAssign(file, file.Id("out_q"), file.Id("col_sums")));
  m->AddAssign(file.Make<vast::ContinuousAssign>(file.Id("out_data"), file.Id("out_q")));
}

// `index >> shift`, or `index` itself for shift 0.
vast::Expression* ShiftedDown(vast::VerilogFile& file, vast::Expression* index, int shift) {
  if (shift == 0) return index;
  return file.Op(BinaryOp::kShiftRight, index, file.Int(static_cast<uint64_t>(shift)));
}

// Bit `index` of a `width`-bit bus, or the bus itself when it is one bit.
vast::Expression* BitOf(vast::VerilogFile& file, const std::string& bus, int width,
                        vast::Expression* index) {
  if (width == 1) return file.Id(bus);
  return file.Bit(file.Id(bus), index);
}

// One control register instance in a generate loop over genvar "g".
vast::Instance* ControlCopy(vast::VerilogFile& file, const std::string& control_register,
                            vast::Expression* d, vast::Expression* q) {
  return file.Make<vast::Instance>(
      control_register, "u_ctrl", std::vector<Binding>{},
      std::vector<Binding>{{"clk", file.Id("clk")}, {"d", d}, {"q", q}});
}

// Root and leaf control copies of merge level `level`; returns the name of
// the leaf bus (plan.leaves bits, leaf of lane b*C+c = (b*C+c) / columns_per_leaf).
std::string EmitLevelControl(vast::VerilogFile& file, vast::Module* m,
                             const std::string& control_register, const MergeControlPlan& plan,
                             int level) {
  // log2 N of this level's vector two cycles before the level captures it:
  // the input for level 1, nlog2_q lane l-2 for level l.
  vast::Expression* source =
      level == 1 ? static_cast<vast::Expression*>(file.Id("nlog2"))
                 : file.Range(file.Id("nlog2_q"), (level - 1) * kNlog2Bits - 1,
                              (level - 2) * kNlog2Bits);
  const std::string want = fmt::format("want{}", level);
  const std::string root = fmt::format("root{}", level);
  const std::string leaf = fmt::format("merge{}", level);
  DeclareWire(file, m, want, 1);
  DeclareWire(file, m, root, plan.roots);
  DeclareWire(file, m, leaf, plan.leaves);
  m->AddAssign(file.Make<vast::ContinuousAssign>(
      file.Id(want),
      file.Op(BinaryOp::kGe, source, file.Sized(kNlog2Bits, static_cast<uint64_t>(level)))));

  auto* roots = file.Make<vast::GenerateFor>("g", file.Int(plan.roots),
                                             fmt::format("g_root{}", level));
  roots->Add(ControlCopy(file, control_register, file.Id(want),
                         BitOf(file, root, plan.roots, file.Id("g"))));
  m->AddGenerate(roots);

  auto* leaves = file.Make<vast::GenerateFor>("g", file.Int(plan.leaves),
                                              fmt::format("g_leaf{}", level));
  leaves->Add(ControlCopy(
      file, control_register,
      BitOf(file, root, plan.roots,
            ShiftedDown(file, file.Id("g"), Log2Exact(plan.leaves_per_root))),
      BitOf(file, leaf, plan.leaves, file.Id("g"))));
  m->AddGenerate(leaves);
  return leaf;
}

}  // namespace

vast::Module* EmitMergeNetwork(vast::VerilogFile& file, const std::string& name,
                               const std::string& control_register, const MacroConfig& config) {
  const int subs = config.subs();
  const int cols = config.cols();
  const int csw = config.column_sum_width();
  const int o = config.output_width();
  const int lanes = config.output_lanes();
  const MergeControlPlan plan = MergeControlPlan::For(config);
  const int levels = plan.levels;

  vast::Module* m = file.AddModule(name);
  m->AddPort(vast::Direction::kInput, "clk", 1);
  if (levels > 0) m->AddPort(vast::Direction::kInput, "nlog2", kNlog2Bits);
  m->AddPort(vast::Direction::kInput, "col_sums", lanes * csw);
  m->AddPort(vast::Direction::kOutput, "out_data", lanes * o);
  if (levels == 0) {
    EmitOutputRegister(file, m, lanes * o);
    return m;
  }

  for (const char* g : {"g", "j", "i", "c"}) {
    m->AddDeclaration(file.Make<vast::GenvarDeclaration>(g));
  }
  DeclareWire(file, m, "lanes0", lanes * o);
  if (levels > 1) {
    // nlog2_q lane k-1: log2 N of the vector k cycles after it was on
    // `nlog2` (feeds the root control of level k+1).
    const int stages = levels - 1;
    DeclareReg(file, m, "nlog2_q", stages * kNlog2Bits);
    vast::Expression* next =
        stages == 1 ? static_cast<vast::Expression*>(file.Id("nlog2"))
                    : file.Make<vast::Concat>(std::vector<vast::Expression*>{
                          file.Range(file.Id("nlog2_q"), (stages - 1) * kNlog2Bits - 1, 0),
                          file.Id("nlog2")});
    m->AddAlways(ClockedAssign(file, file.Id("nlog2_q"), next));
  }

  // v_0: sign extension of every column sum to O bits.
  auto* extend = file.Make<vast::GenerateFor>("j", file.Int(lanes), "g_extend");
  vast::Expression* sign = file.Bit(file.Id("col_sums"), Linear(file, {{"j", csw}}, csw - 1));
  extend->Add(file.Make<vast::ContinuousAssign>(
      Lane(file, "lanes0", {{"j", o}}, 0, o),
      file.Make<vast::Concat>(std::vector<vast::Expression*>{
          file.Make<vast::Replicate>(file.Int(o - csw), sign),
          Lane(file, "col_sums", {{"j", csw}}, 0, csw)})));
  m->AddGenerate(extend);

  const int leaf_shift = Log2Exact(plan.columns_per_leaf);
  const int leaves_per_block = cols / plan.columns_per_leaf;
  for (int level = 1; level <= levels; ++level) {
    const std::string source = level == 1 ? "lanes0" : fmt::format("level{}_q", level - 1);
    const std::string target = fmt::format("level{}_q", level);
    const std::string merge = EmitLevelControl(file, m, control_register, plan, level);
    DeclareReg(file, m, target, lanes * o);

    // Summing lanes i*C + c, i < P/2^l; control leaf i*(C/cpl) + c/cpl.
    const int sum_blocks = subs >> level;
    auto* block_loop =
        file.Make<vast::GenerateFor>("i", file.Int(sum_blocks), fmt::format("g_sum{}", level));
    auto* col_loop =
        file.Make<vast::GenerateFor>("c", file.Int(cols), fmt::format("g_sum{}_col", level));
    block_loop->Add(col_loop);
    vast::Expression* column_leaf = ShiftedDown(file, file.Id("c"), leaf_shift);
    vast::Expression* sum_leaf =
        leaves_per_block == 1
            ? Linear(file, {{"i", 1}})
            : file.Op(BinaryOp::kAdd, Linear(file, {{"i", leaves_per_block}}), column_leaf);
    vast::Expression* sum =
        file.Op(BinaryOp::kAdd, Lane(file, source, {{"i", 2 * cols * o}, {"c", o}}, 0, o),
                Lane(file, source, {{"i", 2 * cols * o}, {"c", o}}, cols * o, o));
    col_loop->Add(ClockedAssign(
        file, Lane(file, target, {{"i", cols * o}, {"c", o}}, 0, o),
        file.Mux(BitOf(file, merge, plan.leaves, sum_leaf), sum,
                 Lane(file, source, {{"i", cols * o}, {"c", o}}, 0, o))));
    m->AddGenerate(block_loop);

    // Lanes at and above (P/2^l)*C: zero when merging, else pass through;
    // control leaf (lane) / cpl.
    const int first_zero_lane = sum_blocks * cols;
    auto* zero_loop = file.Make<vast::GenerateFor>("j", file.Int(lanes - first_zero_lane),
                                                   fmt::format("g_zero{}", level));
    vast::Expression* zero_leaf =
        ShiftedDown(file, Linear(file, {{"j", 1}}, first_zero_lane), leaf_shift);
    vast::Expression* zero = file.Make<vast::Replicate>(
        file.Int(o), file.Make<vast::Literal>(1, 0, false, vast::Radix::kBinary));
    zero_loop->Add(ClockedAssign(
        file, Lane(file, target, {{"j", o}}, first_zero_lane * o, o),
        file.Mux(BitOf(file, merge, plan.leaves, zero_leaf), zero,
                 Lane(file, source, {{"j", o}}, first_zero_lane * o, o))));
    m->AddGenerate(zero_loop);
  }
  m->AddAssign(file.Make<vast::ContinuousAssign>(file.Id("out_data"),
                                                 file.Id(fmt::format("level{}_q", levels))));
  return m;
}

}  // namespace flexcim::gen
