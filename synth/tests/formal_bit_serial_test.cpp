// Formal checks (Yosys miter -equiv + sat) of the bit-serial datapath
// (FLEXCIM.md 5c), on small configurations; a deliberately broken reference
// must make each check fail.
//
// Column: the generated serializer, one-bit AND cells, the column adder tree
// and the shift-accumulator, wired as the generated design wires them
// (product register per cell, the plane sums through the merge stages into
// the accumulator, first/last/invert from the serializer), against a
// plain reference that sums the products over the A bit planes, the plane of
// bit A-1 weighted -2^(A-1). Weights are arbitrary but stationary (assumed
// equal at every step), activations free at every step, vectors at most
// every A cycles (the initiation interval, assumed). Both sides mask their
// output with the same valid delay line of D = A + log2 R + max(1, log2 P) + 2 cycles (the
// column's latency from the sampling edge), so only results are compared.
// Bounded: from all-zero registers over 2A + D steps, i.e. every input
// sequence of two back-to-back vectors and everything shorter.
//
// Top: the bit-serial top of a tiny configuration (flexcim_top, and the
// baselines' dense_top and sparse12_top) against its bit-parallel twin
// whose inputs are delayed by the latency difference (serial_stages() =
// A + 1 for FlexCiM), under the contract of FLEXCIM.md 5b/5c:
// writes only while no vector is in flight, vectors at most every A cycles,
// log2 N legal, out_data compared while out_valid is high. Bounded over
// enough steps to write every row and run two vectors.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <regex>

#include "core/arch_config.h"
#include "core/arch_traits.h"
#include "core/baseline_config.h"
#include "core/macro_config.h"
#include "generator/arch_generator.h"
#include "generator/flexcim_module_names.h"
#include "synth/tests/yosys_test_util.h"

namespace flexcim::synth {
namespace {

using testing::GeneratedDesignText;
using testing::GeneratedModule;
using testing::RunYosys;

MacroConfig BitSerial(int subs, int rows, int cols, int sel_group, int a_bits, int w_bits) {
  return MacroConfig::Create(MacroParams{.subs = subs, .rows = rows, .cols = cols, .sel_group = sel_group,
                                         .a_bits = a_bits, .w_bits = w_bits, .mac = MacStyle::kBitSerial});
}

// Cycles from a vector's sampling edge to its column sum on the
// shift-accumulator's output: the capture, A planes, the product register,
// log2 R adder levels and the merge stages.
int ColumnLatency(const MacroConfig& k) { return k.a_bits() + k.log2_rows() + k.merge_stages() + 2; }

// A valid delay line of `depth` stages and the masked output `out`.
std::string ValidMask(int depth, int out_width, const std::string& value) {
  return fmt::format(R"(  reg [{d_hi}:0] valid_d;
  always @(posedge clk) valid_d <= {{valid_d[{sh_hi}:0], in_valid}};
  assign out = valid_d[{last}] ? {value} : {w}'d0;
)",
                     fmt::arg("d_hi", depth - 1), fmt::arg("sh_hi", depth - 2), fmt::arg("last", depth - 1), fmt::arg("value", value),
                     fmt::arg("w", out_width));
}

// Accumulator lanes the column check compares: lane 0 and, with P > 1,
// the last (its narrowest: MergeOutputLaneBits of block P-1, + A bits).
int CheckedLanes(const MacroConfig& k) { return k.output_lanes() > 1 ? 2 : 1; }

// The ports both sides of the column check share: `out` holds the column
// sum once per checked lane.
std::string ColumnModule(const MacroConfig& k, const std::string& name) {
  return fmt::format("module {} (\n  input wire clk,\n  input wire in_valid,\n  input wire [{}:0] in_act,\n"
                     "  input wire [{}:0] w,\n  output wire [{}:0] out\n);\n",
                     name, k.act_lanes() * k.a_bits() - 1, k.rows() * k.w_bits() - 1,
                     CheckedLanes(k) * k.column_sum_width() - 1);
}

// One column of R cells: row r takes activation lane r*2P. As in the
// generated top, the column's plane sums pass merge_stages() registers (the
// merging network, here with nothing to merge) into lane 0 of the
// shift-accumulator and, with P > 1, into its last lane (the narrowest:
// its plane sum is csw bits, the column's own width; P*C lanes, the others
// fed 0).
std::string ColumnDut(const MacroConfig& k) {
  const gen::FlexcimModuleNames n = gen::FlexcimModuleNames::For(k);
  const int w = k.w_bits(), rows = k.rows(), plane_w = k.submacro_output_width();
  const int lane_w = k.merge_lane_width(), lanes = k.output_lanes(), acc_w = lane_w + k.a_bits();
  const std::string sign_ext =
      lane_w > plane_w ? fmt::format("{{{}{{plane_d[{}][{}]}}}}, ", lane_w - plane_w, k.merge_stages() - 1, plane_w - 1)
                       : std::string();
  std::string upper_lanes;
  if (lanes > 2) {
    upper_lanes += fmt::format("  assign acc_in[{}:{}] = {}'d0;\n", (lanes - 1) * lane_w - 1, lane_w, (lanes - 2) * lane_w);
  }
  if (lanes > 1) {
    upper_lanes += fmt::format("  assign acc_in[{}:{}] = {{{}plane_d[{}]}};\n", lanes * lane_w - 1, (lanes - 1) * lane_w,
                               sign_ext, k.merge_stages() - 1);
  }
  const int sw = k.column_sum_width();
  const std::string checked =
      lanes > 1 ? fmt::format("{{sums[{}:{}], sums[{}:0]}}", (lanes - 1) * acc_w + sw - 1, (lanes - 1) * acc_w, sw - 1)
                : fmt::format("sums[{}:0]", sw - 1);
  return ColumnModule(k, "bs_dut") + fmt::format(R"(  wire [{lanes_hi}:0] act_plane;
  wire acc_first, acc_last, acc_invert;
  reg [{w_hi}:0] products_q;
  wire [{plane_hi}:0] plane_sum;
  reg [{plane_hi}:0] plane_d [0:{ms_hi}];
  wire [{acc_in_hi}:0] acc_in;
  wire [{sums_hi}:0] sums;
  {ser} u_ser (.clk(clk), .rst_n(1'b1), .in_valid(in_valid), .in_act(in_act), .act_plane(act_plane),
               .acc_first(acc_first), .acc_last(acc_last), .acc_invert(acc_invert));
  genvar r;
  generate
    for (r = 0; r < {R}; r = r + 1) begin : g_row
      wire [{wb_hi}:0] product;
      {mul} u_cell (.act(act_plane[r * {WIN}]), .weight(w[r * {W} +: {W}]), .product(product));
      always @(posedge clk) products_q[r * {W} +: {W}] <= product;
    end
  endgenerate
  {tree} u_tree (.clk(clk), .products(products_q), .sum(plane_sum));
  integer s;
  always @(posedge clk) begin
    plane_d[0] <= plane_sum;
    for (s = 1; s <= {ms_hi}; s = s + 1) plane_d[s] <= plane_d[s - 1];
  end
  assign acc_in[{lane_hi}:0] = {{{sign_ext}plane_d[{ms_hi}]}};
{upper_lanes}  {acc} u_acc (.clk(clk), .first(acc_first), .last(acc_last), .invert(acc_invert), .plane_sums(acc_in), .sums(sums));
{mask}endmodule
)",
                     fmt::arg("w_hi", rows * w - 1), fmt::arg("lanes_hi", k.act_lanes() - 1),
                     fmt::arg("plane_hi", plane_w - 1), fmt::arg("ms_hi", k.merge_stages() - 1),
                     fmt::arg("acc_in_hi", lanes * lane_w - 1), fmt::arg("sums_hi", lanes * acc_w - 1),
                     fmt::arg("lane_hi", lane_w - 1), fmt::arg("sign_ext", sign_ext),
                     fmt::arg("upper_lanes", upper_lanes), fmt::arg("ser", n.serializer), fmt::arg("R", rows),
                     fmt::arg("wb_hi", w - 1), fmt::arg("mul", n.multiplier), fmt::arg("WIN", k.window()),
                     fmt::arg("W", w), fmt::arg("tree", n.adder_tree), fmt::arg("acc", n.shift_acc),
                     fmt::arg("mask", ValidMask(ColumnLatency(k), CheckedLanes(k) * sw, checked)));
}

// sum over planes k < A of (+-)2^k * sum_r (bit k of x_r ? w_r : 0), the
// plane A-1 negative (broken: positive).
std::string ColumnReference(const MacroConfig& k, bool broken) {
  const int a = k.a_bits(), w = k.w_bits(), sw = k.column_sum_width();
  return ColumnModule(k, "bs_ref") + fmt::format(R"(  // Stationary weights; vectors at most every A cycles.
  reg started = 1'b0;
  reg [{w_hi}:0] w_prev;
  reg seen = 1'b0;
  reg [7:0] gap;
  always @(posedge clk) begin
    started <= 1'b1;
    w_prev <= w;
    seen <= seen | in_valid;
    gap <= in_valid ? 8'd0 : (gap == 8'd255 ? gap : gap + 8'd1);
  end
  always @* begin
    if (started) assume(w == w_prev);
    if (in_valid && seen) assume(gap + 8'd1 >= {A});
  end
  integer p, r;
  reg signed [{sum_hi}:0] sum, term;
  always @* begin
    sum = 0;
    for (p = 0; p < {A}; p = p + 1)
      for (r = 0; r < {R}; r = r + 1)
        if (in_act[r * {WIN} * {A} + p]) begin
          term = {{{{{ext}{{w[r * {W} + {W} - 1]}}}}, w[r * {W} +: {W}]}};
          term = term << p;
          if (p == {A} - 1 && !{broken}) sum = sum - term;
          else sum = sum + term;
        end
  end
  reg [{sum_hi}:0] sum_d [0:{d_hi}];
  integer i;
  always @(posedge clk) begin
    sum_d[0] <= sum;
    for (i = 1; i <= {d_hi}; i = i + 1) sum_d[i] <= sum_d[i - 1];
  end
{mask}endmodule
)",
                     fmt::arg("w_hi", k.rows() * w - 1),
                     fmt::arg("sum_hi", sw - 1), fmt::arg("A", a), fmt::arg("R", k.rows()),
                     fmt::arg("WIN", k.window()), fmt::arg("ext", sw - w), fmt::arg("W", w),
                     fmt::arg("broken", broken ? 1 : 0), fmt::arg("d_hi", ColumnLatency(k) - 1),
                     fmt::arg("mask", ValidMask(ColumnLatency(k), CheckedLanes(k) * sw,
                                                CheckedLanes(k) > 1
                                                    ? fmt::format("{{sum_d[{0}], sum_d[{0}]}}", ColumnLatency(k) - 1)
                                                    : fmt::format("sum_d[{}]", ColumnLatency(k) - 1))));
}

testing::YosysRun CheckColumn(const MacroConfig& k, bool broken) {
  const gen::FlexcimModuleNames n = gen::FlexcimModuleNames::For(k);
  const std::string script = testing::SequentialMiterScript({"gen.v", "dut.v", "-formal ref.v"}, "bs_dut", "bs_ref",
                                                             2 * k.a_bits() + ColumnLatency(k));
  return RunYosys("bs_column",
                  {{"gen.v", GeneratedModule(k, n.serializer) + GeneratedModule(k, n.multiplier) +
                                 GeneratedModule(k, n.adder_tree) + GeneratedModule(k, n.shift_acc) +
                                 GeneratedModule(k, n.control)},
                   {"dut.v", ColumnDut(k)},
                   {"ref.v", ColumnReference(k, broken)}},
                  script);
}

TEST(FormalBitSerial, ColumnEqualsSumOfProductsOverBitPlanes) {
  for (const auto& k : {BitSerial(1, 2, 1, 1, 3, 2), BitSerial(1, 4, 1, 1, 2, 2), BitSerial(1, 2, 1, 1, 4, 2),
                        BitSerial(2, 2, 1, 1, 3, 3)}) {
    testing::ExpectProved(CheckColumn(k, false), k.Name());
  }
}

TEST(FormalBitSerial, ColumnWithPositiveSignPlaneFails) {
  testing::ExpectProofFails(CheckColumn(BitSerial(1, 2, 1, 1, 3, 2), true));
}

// The generated design of `a` with its top renamed (both twins have the
// arch's top module name).
std::string RenamedTop(const ArchConfig& a, const std::string& top) {
  std::string text;
  for (const auto& f : gen::GenerateArch(a.arch(), a.macro()).files) text += f.text;
  return std::regex_replace(text, std::regex(fmt::format("\\b{}\\b", a.traits().top)), top);
}

// Port declarations of a twin wrapper: the top's ports but rst_n (held
// high), out_data masked as `out`.
std::string TwinPorts(const ArchConfig& k) {
  std::string ports = "  input wire clk";
  for (const PortSpec& p : k.Ports()) {
    if (p.name == "clk" || p.name == "rst_n") continue;
    const std::string name = p.name == "out_data" ? "out" : p.name;
    ports += fmt::format(",\n  {} wire {}{}", p.is_output ? "output" : "input",
                         p.width > 1 ? fmt::format("[{}:0] ", p.width - 1) : "", name);
  }
  return ports + "\n";
}

// Connections of the top's ports to the wrapper's signals `prefix`<name>.
std::string TwinConnections(const ArchConfig& k, const std::string& prefix) {
  std::string c = ".clk(clk), .rst_n(1'b1)";
  for (const PortSpec& p : k.Ports()) {
    if (p.name == "clk" || p.name == "rst_n") continue;
    const std::string signal = p.is_output ? (p.name == "out_data" ? "out_data" : p.name) : prefix + p.name;
    c += fmt::format(", .{}({})", p.name, signal);
  }
  return c;
}

// The bit-serial top, its output masked by out_valid, and the contract as
// assumptions: vectors at most every A cycles, no write in the cycle of a
// vector or while one is in flight (L cycles), no vector while a write is
// in flight (Lw - 1 cycles after it), log2 N legal.
std::string SerialTwin(const ArchConfig& bs) {
  return fmt::format(R"(module bs_dut (
{ports});
  wire [{out_hi}:0] out_data;
  bs_top u_top ({conn});
  assign out = out_valid ? out_data : {out_w}'d0;
  reg seen = 1'b0, wseen = 1'b0;
  reg [7:0] gap, wgap;
  always @(posedge clk) begin
    seen <= seen | in_valid;
    gap <= in_valid ? 8'd0 : (gap == 8'd255 ? gap : gap + 8'd1);
    wseen <= wseen | wr_en;
    wgap <= wr_en ? 8'd0 : (wgap == 8'd255 ? wgap : wgap + 8'd1);
  end
  always @* begin
    if (in_valid && seen) assume(gap + 8'd1 >= {II});
    if (wr_en) assume(!in_valid);
    if (wr_en && seen) assume(gap + 8'd1 >= {L});
    if (in_valid && wseen) assume(wgap + 8'd1 >= {Lw});
{nlog2}  end
endmodule
)",
                     fmt::arg("ports", TwinPorts(bs)), fmt::arg("out_hi", bs.output_lanes() * bs.output_width() - 1),
                     fmt::arg("conn", TwinConnections(bs, "")), fmt::arg("out_w", bs.output_lanes() * bs.output_width()),
                     fmt::arg("II", bs.initiation_interval()), fmt::arg("L", bs.pipeline_latency()),
                     fmt::arg("Lw", bs.write_latency()),
                     fmt::arg("nlog2", bs.traits().has_pair_select
                                           ? fmt::format("    if (in_valid) assume(in_nlog2 <= {});\n", bs.max_nlog2())
                                           : std::string()));
}

// The bit-parallel twin with every input delayed by `delay` cycles (so that
// its outputs line up with the bit-serial top's); `broken` flips bit 0 of
// every valid non-zero output (so the broken check fails only if a written
// weight reaches a compared output within the bound).
std::string ParallelTwin(const ArchConfig& bp, int delay, bool broken) {
  std::string bus, split, decls;
  int width = 0;
  for (const PortSpec& p : bp.Ports()) {
    if (p.is_output || p.name == "clk" || p.name == "rst_n") continue;
    bus += (bus.empty() ? "" : ", ") + p.name;
    decls += fmt::format("  wire [{}:0] d_{};\n", p.width - 1, p.name);
    width += p.width;
  }
  // Lanes of the concatenation, last port at bit 0.
  int low = width;
  for (const PortSpec& p : bp.Ports()) {
    if (p.is_output || p.name == "clk" || p.name == "rst_n") continue;
    low -= p.width;
    split += fmt::format("  assign d_{} = line[{}][{} +: {}];\n", p.name, delay - 1, low, p.width);
  }
  return fmt::format(R"(module bp_dut (
{ports});
  wire [{out_hi}:0] out_data;
{decls}  reg [{bus_hi}:0] line [0:{d_hi}];
  integer i;
  always @(posedge clk) begin
    line[0] <= {{{bus}}};
    for (i = 1; i <= {d_hi}; i = i + 1) line[i] <= line[i - 1];
  end
{split}  bp_top u_top ({conn});
  assign out = out_valid ? out_data ^ {{{out_w_1}'d0, 1'b{flip} && out_data != {out_w}'d0}} : {out_w}'d0;
endmodule
)",
                     fmt::arg("ports", TwinPorts(bp)), fmt::arg("out_hi", bp.output_lanes() * bp.output_width() - 1),
                     fmt::arg("decls", decls), fmt::arg("bus_hi", width - 1), fmt::arg("d_hi", delay - 1),
                     fmt::arg("bus", bus), fmt::arg("split", split), fmt::arg("conn", TwinConnections(bp, "d_")),
                     fmt::arg("out_w", bp.output_lanes() * bp.output_width()), fmt::arg("out_w_1", bp.output_lanes() * bp.output_width() - 1), fmt::arg("flip", broken ? 1 : 0));
}

// The bit-parallel twin is delayed by the difference of the two latencies;
// the bound covers loading every storage row, the write latency, one vector
// and its latency.
testing::YosysRun CheckTopTwins(Arch arch, const MacroConfig& macro, bool broken) {
  const ArchConfig bs(arch, macro), bp(arch, macro.WithMac(MacStyle::kBitParallel));
  const std::string script = testing::SequentialMiterScript(
      {"gen_bs.v", "gen_bp.v", "-formal bs_dut.v", "bp_dut.v"}, "bs_dut", "bp_dut",
      bs.write_subs() * bs.write_rows() + bs.write_latency() - 1 + bs.initiation_interval() +
          bs.pipeline_latency() + 1);
  return RunYosys(fmt::format("bs_top_{}", ArchName(arch)),
                  {{"gen_bs.v", RenamedTop(bs, "bs_top")},
                   {"gen_bp.v", RenamedTop(bp, "bp_top")},
                   {"bs_dut.v", SerialTwin(bs)},
                   {"bp_dut.v", ParallelTwin(bp, bs.pipeline_latency() - bp.pipeline_latency(), broken)}},
                  script);
}

TEST(FormalBitSerial, TopEqualsBitParallelTwin) {
  const MacroConfig k = BitSerial(2, 2, 2, 1, 2, 2);
  testing::ExpectProved(CheckTopTwins(Arch::kFlexcim, k, false), k.Name());
}

TEST(FormalBitSerial, TopAgainstAlteredTwinFails) {
  testing::ExpectProofFails(CheckTopTwins(Arch::kFlexcim, BitSerial(2, 2, 2, 1, 2, 2), true));
}

// The baselines' bit-serial tops (serializer, AND cells, per-column
// shift-accumulator as the output register) against their bit-parallel twins.
TEST(FormalBitSerial, BaselineTopsEqualTheirBitParallelTwins) {
  const MacroConfig k = BitSerial(1, 2, 2, 1, 2, 2);
  for (Arch arch : {Arch::kDense, Arch::kSparse12}) {
    testing::ExpectProved(CheckTopTwins(arch, k, false), fmt::format("{} {}", ArchName(arch), k.Name()));
  }
}

// With the carry split (BaselineConfig::carry_split_bit(): a 7-bit product
// on 2 rows gives 8-bit column sums, split at bit 7, one more register
// stage): the split adder tree, the accumulator's lagging high part and its
// deskew against the unsplit bit-parallel twin.
TEST(FormalBitSerial, SplitCarryBaselineTopEqualsItsBitParallelTwin) {
  const MacroConfig k = BitSerial(1, 2, 1, 1, 2, 7);
  ASSERT_EQ(BaselineConfig::For(Arch::kDense, k).carry_split_stages(), 1);
  testing::ExpectProved(CheckTopTwins(Arch::kDense, k, false), fmt::format("dense {}", k.Name()));
}

TEST(FormalBitSerial, BaselineTopsAgainstAlteredTwinsFail) {
  for (Arch arch : {Arch::kDense, Arch::kSparse12}) {
    testing::ExpectProofFails(CheckTopTwins(arch, BitSerial(1, 2, 2, 1, 2, 2), true));
  }
}

}  // namespace
}  // namespace flexcim::synth
