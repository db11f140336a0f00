// Formal equivalence (Yosys miter -equiv + sat) of generated blocks against
// plain references written here, on small configurations; a deliberately
// broken reference must make each check fail.
//
// Distribution: combinational, so one SAT call proves it for all inputs.
// Merging network: registered once per level, its per-level control
// registered in replicated copies from a log2 N that leads the column sums
// by MergeControlPlan::kLeadCycles = 2 cycles. The generated module is
// wrapped the way flexcim_top drives it (column sums delayed 2 cycles
// behind log2 N); the reference delays its inputs L+1 cycles and registers
// the flat sums (latency D = L + 2 both, L = log2 P). Both are feed-forward
// pipelines of depth D with no feedback, so every state reachable after D
// cycles is a function of the last D inputs: a bounded check from all-zero
// registers of D+2 steps with free inputs at every step (sat -seq
// -set-init-zero) covers every reachable state, i.e. it is a proof, not a
// sample. log2 N is assumed legal (<= log2 P, FLEXCIM.md 5b) through an
// `assume`.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/macro_config.h"
#include "generator/flexcim_module_names.h"
#include "generator/merge_control_plan.h"
#include "synth/tests/yosys_test_util.h"

namespace flexcim::synth {
namespace {

using testing::GeneratedModule;
using testing::RunYosys;

// cell_act lane r*C+c = act lane r*2P + 2*s[r][c/G] + e[r][c].
std::string ReferenceDistribution(const MacroConfig& k, bool broken) {
  const int groups = k.select_groups(), sb = k.sel_bits(), a = k.a_bits();
  std::string sels_port = k.subs() > 1 ? fmt::format("  input wire [{}:0] sels,\n", k.rows() * groups * sb - 1) : "";
  std::string s_expr = k.subs() > 1 ? fmt::format("sels[(r * {} + c / {}) * {} +: {}]", groups, k.sel_group(), sb, sb) : "0";
  return fmt::format(R"(module ref_dist (
  input wire [{act_hi}:0] act,
{sels_port}  input wire [{e_hi}:0] elems,
  output reg [{out_hi}:0] cell_act
);
  integer r, c, s, e;
  always @* begin
    cell_act = 0;
    for (r = 0; r < {R}; r = r + 1)
      for (c = 0; c < {C}; c = c + 1) begin
        s = {s_expr};
        e = elems[r * {C} + c] ^ {flip};
        cell_act[(r * {C} + c) * {A} +: {A}] = act[(r * {W2} + 2 * s + e) * {A} +: {A}];
      end
  end
endmodule
)",
                     fmt::arg("act_hi", k.act_lanes() * a - 1), fmt::arg("sels_port", sels_port),
                     fmt::arg("e_hi", k.rows() * k.cols() - 1), fmt::arg("out_hi", k.rows() * k.cols() * a - 1),
                     fmt::arg("R", k.rows()), fmt::arg("C", k.cols()), fmt::arg("s_expr", s_expr),
                     fmt::arg("flip", broken ? "((r == 0 && c == 0) ? 1 : 0)" : "0"), fmt::arg("A", a),
                     fmt::arg("W2", k.window()));
}

testing::YosysRun CheckDistribution(const MacroConfig& k, bool broken) {
  const gen::FlexcimModuleNames names = gen::FlexcimModuleNames::For(k);
  const std::string& gen_name = names.distribution;
  // With P > 1 the distribution instantiates its pair mux (its own module).
  const std::string gen_text =
      GeneratedModule(k, gen_name) + (k.subs() > 1 ? GeneratedModule(k, names.pair_mux) : std::string());
  const std::string script = fmt::format(R"(read_verilog gen.v
read_verilog ref.v
proc
opt_clean
miter -equiv -flatten -make_assert {} ref_dist miter
hierarchy -top miter
sat -verify -prove-asserts -show-ports miter
)",
                                         gen_name);
  return RunYosys("dist", {{"gen.v", gen_text}, {"ref.v", ReferenceDistribution(k, broken)}},
                  script);
}

TEST(FormalDistribution, EqualsReferenceMux) {
  for (const auto& k : {MacroConfig::Create({.subs = 4, .rows = 2, .cols = 4, .sel_group = 2, .a_bits = 2, .w_bits = 2}), MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 1, .a_bits = 3, .w_bits = 2}),
                        MacroConfig::Create({.subs = 8, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 2, .w_bits = 2}), MacroConfig::Create({.subs = 1, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 2, .w_bits = 2})}) {
    testing::ExpectProved(CheckDistribution(k, false), k.Name());
  }
}

TEST(FormalDistribution, BrokenReferenceFails) {
  testing::ExpectProofFails(CheckDistribution(MacroConfig::Create({.subs = 4, .rows = 2, .cols = 4, .sel_group = 2, .a_bits = 2, .w_bits = 2}), true));
}

// The generated merge, driven as flexcim_top drives it: log2 N leads the
// column sums by kLeadCycles.
std::string MergeWrapper(const MacroConfig& k, const std::string& merge) {
  const int in_w = k.output_lanes() * k.column_sum_width();
  std::string regs, shifts, cs = "col_sums";
  for (int l = 1; l <= gen::MergeControlPlan::kLeadCycles; ++l) {
    regs += fmt::format("  reg [{}:0] cs{};\n", in_w - 1, l);
    shifts += fmt::format("    cs{} <= {};\n", l, cs);
    cs = fmt::format("cs{}", l);
  }
  return fmt::format(R"(module merge_dut (
  input wire clk,
  input wire [3:0] nlog2,
  input wire [{in_hi}:0] col_sums,
  output wire [{out_hi}:0] out_data
);
{regs}  always @(posedge clk) begin
{shifts}  end
  {merge} u_merge (.clk(clk), .nlog2(nlog2), .col_sums({cs}), .out_data(out_data));
endmodule
)",
                     fmt::arg("in_hi", in_w - 1),
                     fmt::arg("out_hi", k.output_lanes() * k.output_width() - 1), fmt::arg("regs", regs),
                     fmt::arg("shifts", shifts), fmt::arg("merge", merge), fmt::arg("cs", cs));
}

// out[b][c] = sum_{j<N} col[b*N+j][c] for b < P/N, else 0; latency
// log2 P + kLeadCycles.
std::string MergeReference(const MacroConfig& k, bool broken) {
  const int levels = k.log2_subs(), cw = k.column_sum_width(), o = k.output_width();
  const int in_w = k.output_lanes() * cw;
  std::string regs, shifts;
  std::string cs = "col_sums", n = "nlog2";
  for (int l = 1; l < levels + gen::MergeControlPlan::kLeadCycles; ++l) {
    regs += fmt::format("  reg [{}:0] cs{};\n  reg [3:0] ns{};\n", in_w - 1, l, l);
    shifts += fmt::format("    cs{0} <= {1};\n    ns{0} <= {2};\n", l, cs, n);
    cs = fmt::format("cs{}", l);
    n = fmt::format("ns{}", l);
  }
  return fmt::format(R"(module merge_ref (
  input wire clk,
  input wire [3:0] nlog2,
  input wire [{in_hi}:0] col_sums,
  output reg [{out_hi}:0] out_data
);
{regs}  integer b, c, k, j, lane;
  reg [{o_hi}:0] acc;
  always @* assume(nlog2 <= {L});
  always @(posedge clk) begin
{shifts}    for (b = 0; b < {P}; b = b + 1)
      for (c = 0; c < {C}; c = c + 1) begin
        acc = 0;
        for (k = 0; k <= {L}; k = k + 1)
          if ({n} == k && b {cmp} ({P} >> k))
            for (j = 0; j < (1 << k); j = j + 1) begin
              lane = ((b << k) + j) % {P};
              acc = acc + {{{{{ext}{{{cs}[(lane * {C} + c) * {CW} + {CW} - 1]}}}}, {cs}[(lane * {C} + c) * {CW} +: {CW}]}};
            end
        out_data[(b * {C} + c) * {O} +: {O}] <= acc;
      end
  end
endmodule
)",
                     fmt::arg("in_hi", in_w - 1), fmt::arg("out_hi", k.output_lanes() * o - 1), fmt::arg("regs", regs),
                     fmt::arg("o_hi", o - 1), fmt::arg("L", levels), fmt::arg("shifts", shifts),
                     fmt::arg("P", k.subs()), fmt::arg("C", k.cols()), fmt::arg("n", n),
                     fmt::arg("cmp", broken ? "<=" : "<"), fmt::arg("ext", o - cw), fmt::arg("cs", cs),
                     fmt::arg("CW", cw), fmt::arg("O", o));
}

testing::YosysRun CheckMerge(const MacroConfig& k, bool broken) {
  const gen::FlexcimModuleNames names = gen::FlexcimModuleNames::For(k);
  const std::string merge = names.merge;
  const std::string script = testing::SequentialMiterScript({"gen.v", "wrap.v", "-formal ref.v"}, "merge_dut",
                                                             "merge_ref",
                                                             k.log2_subs() + gen::MergeControlPlan::kLeadCycles + 2);
  return RunYosys("merge", {{"gen.v", GeneratedModule(k, names.merge_control) + GeneratedModule(k, merge)},
                            {"wrap.v", MergeWrapper(k, merge)},
                            {"ref.v", MergeReference(k, broken)}},
                  script);
}

TEST(FormalMerge, EqualsFlatSumsForEveryN) {
  for (const auto& k : {MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 2, .w_bits = 2}), MacroConfig::Create({.subs = 4, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 2, .w_bits = 2}),
                        MacroConfig::Create({.subs = 8, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 2, .w_bits = 2})}) {
    testing::ExpectProved(CheckMerge(k, false), k.Name());
  }
}

TEST(FormalMerge, BrokenReferenceFails) {
  testing::ExpectProofFails(CheckMerge(MacroConfig::Create({.subs = 4, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 2, .w_bits = 2}), true));
}

}  // namespace
}  // namespace flexcim::synth
