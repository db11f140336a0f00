#include "generator/merge_network.h"

#include <fmt/format.h>

#include <vector>

#include "generator/emit_util.h"

namespace flexcim::gen {

using vast::BinaryOp;

namespace {

constexpr int kNlog2Bits = 4;  // in_nlog2 width (FLEXCIM.md 5b)

// P = 1: out_data <= col_sums (O equals the column-sum width).
void EmitOutputRegister(vast::VerilogFile& file, vast::Module* m, int width) {
  DeclareReg(file, m, "out_q", width);
  m->AddAlways(ClockedAssign(file, file.Id("out_q"), file.Id("col_sums")));
  m->AddAssign(file.Make<vast::ContinuousAssign>(file.Id("out_data"), file.Id("out_q")));
}

}  // namespace

vast::Module* EmitMergeNetwork(vast::VerilogFile& file, const std::string& name,
                               const MacroConfig& config) {
  const int subs = config.subs();
  const int cols = config.cols();
  const int csw = config.column_sum_width();
  const int o = config.output_width();
  const int lanes = config.output_lanes();
  const int levels = config.log2_subs();

  vast::Module* m = file.AddModule(name);
  m->AddPort(vast::Direction::kInput, "clk", 1);
  if (levels > 0) m->AddPort(vast::Direction::kInput, "level_nlog2", levels * kNlog2Bits);
  m->AddPort(vast::Direction::kInput, "col_sums", lanes * csw);
  m->AddPort(vast::Direction::kOutput, "out_data", lanes * o);
  if (levels == 0) {
    EmitOutputRegister(file, m, lanes * o);
    return m;
  }

  for (const char* g : {"j", "i", "c"}) m->AddDeclaration(file.Make<vast::GenvarDeclaration>(g));
  DeclareWire(file, m, "lanes0", lanes * o);

  // v_0: sign extension of every column sum to O bits.
  auto* extend = file.Make<vast::GenerateFor>("j", file.Int(lanes), "g_extend");
  vast::Expression* sign = file.Bit(file.Id("col_sums"), Linear(file, {{"j", csw}}, csw - 1));
  extend->Add(file.Make<vast::ContinuousAssign>(
      Lane(file, "lanes0", {{"j", o}}, 0, o),
      file.Make<vast::Concat>(std::vector<vast::Expression*>{
          file.Make<vast::Replicate>(file.Int(o - csw), sign),
          Lane(file, "col_sums", {{"j", csw}}, 0, csw)})));
  m->AddGenerate(extend);

  for (int level = 1; level <= levels; ++level) {
    const std::string source = level == 1 ? "lanes0" : fmt::format("level{}_q", level - 1);
    const std::string target = fmt::format("level{}_q", level);
    const std::string merge = fmt::format("merge{}", level);
    DeclareWire(file, m, merge, 1);
    DeclareReg(file, m, target, lanes * o);
    // merge<l> = (log2 N of the vector at this level) >= l
    m->AddAssign(file.Make<vast::ContinuousAssign>(
        file.Id(merge),
        file.Op(BinaryOp::kGe,
                file.Range(file.Id("level_nlog2"), level * kNlog2Bits - 1,
                           (level - 1) * kNlog2Bits),
                file.Sized(kNlog2Bits, static_cast<uint64_t>(level)))));

    // Summing lanes i*C + c, i < P/2^l.
    const int sum_blocks = subs >> level;
    auto* block_loop =
        file.Make<vast::GenerateFor>("i", file.Int(sum_blocks), fmt::format("g_sum{}", level));
    auto* col_loop =
        file.Make<vast::GenerateFor>("c", file.Int(cols), fmt::format("g_sum{}_col", level));
    block_loop->Add(col_loop);
    vast::Expression* sum =
        file.Op(BinaryOp::kAdd, Lane(file, source, {{"i", 2 * cols * o}, {"c", o}}, 0, o),
                Lane(file, source, {{"i", 2 * cols * o}, {"c", o}}, cols * o, o));
    col_loop->Add(ClockedAssign(
        file, Lane(file, target, {{"i", cols * o}, {"c", o}}, 0, o),
        file.Mux(file.Id(merge), sum, Lane(file, source, {{"i", cols * o}, {"c", o}}, 0, o))));
    m->AddGenerate(block_loop);

    // Lanes at and above (P/2^l)*C: zero when merging, else pass through.
    const int first_zero_lane = sum_blocks * cols;
    auto* zero_loop = file.Make<vast::GenerateFor>("j", file.Int(lanes - first_zero_lane),
                                                   fmt::format("g_zero{}", level));
    vast::Expression* zero =
        file.Make<vast::Replicate>(file.Int(o), file.Make<vast::Literal>(1, 0, false, vast::Radix::kBinary));
    zero_loop->Add(ClockedAssign(
        file, Lane(file, target, {{"j", o}}, first_zero_lane * o, o),
        file.Mux(file.Id(merge), zero, Lane(file, source, {{"j", o}}, first_zero_lane * o, o))));
    m->AddGenerate(zero_loop);
  }
  m->AddAssign(file.Make<vast::ContinuousAssign>(file.Id("out_data"),
                                                 file.Id(fmt::format("level{}_q", levels))));
  return m;
}

}  // namespace flexcim::gen
