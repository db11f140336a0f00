// GenerateFlexcim: manifest values, the exact 5b port list, file headers,
// module naming, determinism, the bit-serial accumulator lanes' widths and the
// size/speed of the largest macro.
#include "generator/flexcim_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/macro_config.h"
#include "generator/merge_network.h"

namespace flexcim::gen {
namespace {

const GeneratedFile& FileNamed(const GeneratedDesign& d, const std::string& name) {
  for (const GeneratedFile& f : d.files) {
    if (f.name == name) return f;
  }
  throw std::runtime_error("no file " + name);
}

std::vector<std::string> FileNames(const GeneratedDesign& d) {
  std::vector<std::string> names;
  for (const GeneratedFile& f : d.files) names.push_back(f.name);
  return names;
}

TEST(GenerateFlexcim, DefaultManifest) {
  const GeneratedDesign d = GenerateFlexcim(MacroConfig::Default());
  EXPECT_EQ(d.top, "flexcim_top");
  EXPECT_EQ(d.latency, 7);  // register stages: products + log2 16 + log2 4
  const auto expected = nlohmann::ordered_json::parse(R"({
    "arch": "flexcim",
    "params": {"P": 4, "R": 16, "C": 16, "G": 16, "A": 8, "W": 8},
    "mac": "bit-parallel",
    "storage": "ff",
    "output_width": 22,
    "latency": 7,
    "initiation_interval": 1,
    "write_latency": 3,
    "ports": [
      {"name": "clk", "direction": "input", "width": 1},
      {"name": "rst_n", "direction": "input", "width": 1},
      {"name": "wr_en", "direction": "input", "width": 1},
      {"name": "wr_sub", "direction": "input", "width": 2},
      {"name": "wr_row", "direction": "input", "width": 4},
      {"name": "wr_w", "direction": "input", "width": 128},
      {"name": "wr_e", "direction": "input", "width": 16},
      {"name": "wr_sel", "direction": "input", "width": 2},
      {"name": "in_valid", "direction": "input", "width": 1},
      {"name": "in_nlog2", "direction": "input", "width": 4},
      {"name": "in_act", "direction": "input", "width": 1024},
      {"name": "out_valid", "direction": "output", "width": 1},
      {"name": "out_data", "direction": "output", "width": 1408}
    ],
    "top": "flexcim_top",
    "files": [
      "flexcim_ctrl_reg_p4_r16_c16_g16_a8_w8.v",
      "flexcim_mul_p4_r16_c16_g16_a8_w8.v",
      "flexcim_adder_tree_p4_r16_c16_g16_a8_w8.v",
      "flexcim_storage_p4_r16_c16_g16_a8_w8.v",
      "flexcim_select_storage_p4_r16_c16_g16_a8_w8.v",
      "flexcim_distribution_pair_mux_p4_r16_c16_g16_a8_w8.v",
      "flexcim_distribution_p4_r16_c16_g16_a8_w8.v",
      "flexcim_submacro_p4_r16_c16_g16_a8_w8.v",
      "flexcim_merge_ctrl_p4_r16_c16_g16_a8_w8.v",
      "flexcim_merge_p4_r16_c16_g16_a8_w8.v",
      "flexcim_valid_pipe_p4_r16_c16_g16_a8_w8.v",
      "flexcim_top.v"
    ],
    "generator_version": "0.2.0",
    "flags": "--arch flexcim --subs 4 --rows 16 --cols 16 --sel-group 16 --a-bits 8 --w-bits 8"
  })");
  EXPECT_EQ(d.manifest, expected);
  EXPECT_EQ(d.ManifestText().back(), '\n');
}

TEST(GenerateFlexcim, SingleSubMacroHasNoSelectStorageAndIgnoresPins) {
  const MacroConfig config = MacroConfig::Create({.subs = 1, .rows = 4, .cols = 4, .sel_group = 4, .a_bits = 8, .w_bits = 8});
  const GeneratedDesign d = GenerateFlexcim(config);
  EXPECT_EQ(d.latency, 4);  // products + log2 4 adder levels + one output stage
  EXPECT_EQ(FileNames(d), (std::vector<std::string>{
                              "flexcim_ctrl_reg_p1_r4_c4_g4_a8_w8.v",
                              "flexcim_mul_p1_r4_c4_g4_a8_w8.v",
                              "flexcim_adder_tree_p1_r4_c4_g4_a8_w8.v",
                              "flexcim_storage_p1_r4_c4_g4_a8_w8.v",
                              "flexcim_distribution_p1_r4_c4_g4_a8_w8.v",
                              "flexcim_submacro_p1_r4_c4_g4_a8_w8.v",
                              "flexcim_merge_p1_r4_c4_g4_a8_w8.v",
                              "flexcim_valid_pipe_p1_r4_c4_g4_a8_w8.v",
                              "flexcim_top.v"}));
  // wr_sub and wr_sel are still 1-bit ports (SB = 1), and ignored.
  EXPECT_EQ(d.manifest["ports"][3], nlohmann::ordered_json::parse(
                                        R"({"name": "wr_sub", "direction": "input", "width": 1})"));
  EXPECT_EQ(d.manifest["ports"][7], nlohmann::ordered_json::parse(
                                        R"({"name": "wr_sel", "direction": "input", "width": 1})"));
  const std::string& top = FileNamed(d, "flexcim_top.v").text;
  EXPECT_NE(top.find("  assign unused_pins = &{1'd0, wr_sub, wr_sel, in_nlog2};\n"),
            std::string::npos);
  EXPECT_NE(top.find("    .wr_en(wr_go),\n"), std::string::npos);
  // Distribution takes pair 0 of each row's window.
  EXPECT_NE(FileNamed(d, "flexcim_distribution_p1_r4_c4_g4_a8_w8.v")
                .text.find("        assign pair = act[r * 16 +: 16];\n"),
            std::string::npos);
  // One output register stage.
  EXPECT_NE(FileNamed(d, "flexcim_merge_p1_r4_c4_g4_a8_w8.v")
                .text.find("    out_q <= col_sums;\n"),
            std::string::npos);
}

TEST(GenerateFlexcim, WriteQualificationAndPerLevelMerge) {
  const GeneratedDesign d = GenerateFlexcim(MacroConfig::Create({.subs = 8, .rows = 8, .cols = 8, .sel_group = 2, .a_bits = 8, .w_bits = 8}));
  const std::string& top = FileNamed(d, "flexcim_top.v").text;
  EXPECT_NE(top.find("  assign wr_go = wr_en & rst_n;\n"), std::string::npos);
  // One cell and one select storage of P*R rows, row {wr_sub, wr_row}; sub-macro
  // k reads its R rows: R * (C/G) * log2 P = 8 * 4 * 3 = 96 bits of sels each.
  EXPECT_NE(top.find("  flexcim_storage_p8_r8_c8_g2_a8_w8 u_storage (\n    .clk(clk),\n    .wr_en(wr_go),\n"
                     "    .wr_row({wr_sub, wr_row}),\n"),
            std::string::npos);
  EXPECT_NE(top.find("    .wr_row({wr_sub, wr_row}),\n    .wr_w(wr_w),\n    .wr_e(wr_e),\n    .wr_sel(wr_sel),\n"),
            std::string::npos);
  // The selects ride the cell storage's write pipeline.
  EXPECT_NE(top.find("  flexcim_select_storage_p8_r8_c8_g2_a8_w8 u_select_storage (\n    .clk(clk),\n"
                     "    .row_en(sel_row_en),\n    .wr_sel(sel_wr_data),\n"),
            std::string::npos);
  EXPECT_NE(top.find("    .sels(sels[767:672]),\n"), std::string::npos);
  // Sub-macro k drives C * (A+W+log2 R) = 8 * 19 = 152 bits of col_sums.
  EXPECT_NE(top.find("    .col_sums(col_sums[1215:1064])\n"), std::string::npos);
  const std::string& merge = FileNamed(d, "flexcim_merge_p8_r8_c8_g2_a8_w8.v").text;
  // Control: O = 22, so a leaf covers 2 columns (44 loads): 32 leaves at
  // level 1; level l controls only lanes below (P >> (l-1)) * C (the lanes
  // above are zero when it merges): 8 leaves at level 3. One root per
  // level. Level 3 decides from log2 N two cycles early.
  EXPECT_NE(merge.find("  assign want3 = nlog2_q[7:4] >= 4'd3;\n"), std::string::npos);
  EXPECT_NE(merge.find("    nlog2_q <= {nlog2_q[3:0], nlog2};\n"), std::string::npos);
  EXPECT_NE(merge.find("    for (g = 0; g < 8; g = g + 1) begin : g_leaf3\n"
                       "      flexcim_merge_ctrl_p8_r8_c8_g2_a8_w8 u_ctrl (\n"
                       "        .clk(clk),\n"
                       "        .d(root3),\n"
                       "        .q(merge3[g])\n"),
            std::string::npos);
  // Level 3 (P/8 = 1 summing block) sums lanes c and C + c of level 2.
  EXPECT_NE(merge.find("        assign sum = level2_q[i * 352 + c * 22 +: 22] + level2_q[i * 352 + c * 22 + 176 +: 22];\n"),
            std::string::npos);
  EXPECT_NE(merge.find("          level3_q[i * 176 + c * 22 +: 22] <= merge3[i * 4 + (c >> 1)] ? sum : "
                       "level2_q[i * 176 + c * 22 +: 22];\n"),
            std::string::npos);
  // Level 1 sums at most two column sums of A+W+log2 R = 19 bits: 20 bits,
  // sign-extended to the lane.
  EXPECT_NE(merge.find("        assign sum = lanes0[i * 352 + c * 22 +: 20] + lanes0[i * 352 + c * 22 + 176 +: 20];\n"),
            std::string::npos);
  EXPECT_NE(merge.find("          level1_q[i * 176 + c * 22 +: 22] <= merge1[i * 4 + (c >> 1)] ? "
                       "{{2{sum[19]}}, sum} : lanes0[i * 176 + c * 22 +: 22];\n"),
            std::string::npos);
  // Lanes from (P/4)*C = 16 on are zero whenever level 3 merges: passed.
  EXPECT_NE(merge.find("    level3_q[1407:352] <= level2_q[1407:352];\n"), std::string::npos);
  EXPECT_NE(merge.find("        level3_q[j * 22 + 176 +: 22] <= merge3[j + 8 >> 1] ? {22{1'b0}} : "
                       "level2_q[j * 22 + 176 +: 22];\n"),
            std::string::npos);
  const std::string& pipe = FileNamed(d, "flexcim_valid_pipe_p8_r8_c8_g2_a8_w8.v").text;
  // L = 3 + 3 = 6, 7 valid stages; log2 N is carried to stage log2 R - 1 = 2.
  EXPECT_NE(pipe.find("  assign merge_nlog2 = nlog2_q[7:4];\n"), std::string::npos);
  EXPECT_NE(pipe.find("      valid_q <= {valid_q[5:0], in_valid};\n"), std::string::npos);
}

TEST(GenerateFlexcim, EveryFileHasProvenanceHeader) {
  const MacroConfig config = MacroConfig::Create({.subs = 4, .rows = 8, .cols = 8, .sel_group = 4, .a_bits = 3, .w_bits = 5});
  const GeneratedDesign d = GenerateFlexcim(config);
  for (const GeneratedFile& f : d.files) {
    EXPECT_EQ(f.text.rfind("// Generated by the FlexCiM Verilog generator, version 0.2.0. Do not "
                           "edit.\n// Reproduce: flexcim gen --arch flexcim --subs 4 --rows 8 "
                           "--cols 8 --sel-group 4 --a-bits 3 --w-bits 5 --out <dir>\n",
                           0),
              0u)
        << f.name;
    const std::string module = f.name.substr(0, f.name.size() - 2);
    EXPECT_NE(f.text.find("\nmodule " + module + " (\n"), std::string::npos) << f.name;
    EXPECT_EQ(f.text.back(), '\n');
  }
}

TEST(GenerateFlexcim, DeterministicAndConfigSpecific) {
  const MacroConfig a = MacroConfig::Create({.subs = 2, .rows = 8, .cols = 4, .sel_group = 1, .a_bits = 8, .w_bits = 8});
  const GeneratedDesign first = GenerateFlexcim(a);
  const GeneratedDesign second = GenerateFlexcim(a);
  ASSERT_EQ(first.files.size(), second.files.size());
  for (size_t i = 0; i < first.files.size(); ++i) {
    EXPECT_EQ(first.files[i].name, second.files[i].name);
    EXPECT_EQ(first.files[i].text, second.files[i].text);
  }
  EXPECT_EQ(first.ManifestText(), second.ManifestText());
  // Another configuration shares no module name except the top.
  const GeneratedDesign other = GenerateFlexcim(MacroConfig::Create({.subs = 2, .rows = 8, .cols = 4, .sel_group = 2, .a_bits = 8, .w_bits = 8}));
  for (const GeneratedFile& f : first.files) {
    for (const GeneratedFile& g : other.files) {
      if (f.name != "flexcim_top.v") {
        EXPECT_NE(f.name, g.name);
      }
    }
  }
}

TEST(GenerateFlexcim, BitSerialManifestAndBlocks) {
  const MacroConfig config = MacroConfig::Default().WithMac(MacStyle::kBitSerial);
  const GeneratedDesign d = GenerateFlexcim(config);
  EXPECT_EQ(d.latency, 16);  // 7 + activation capture + A - 1 planes + accumulator
  EXPECT_EQ(d.manifest["mac"], "bit-serial");
  EXPECT_EQ(d.manifest["initiation_interval"], 8);
  EXPECT_EQ(d.manifest["output_width"], 22);
  EXPECT_EQ(d.manifest["flags"],
            "--arch flexcim --subs 4 --rows 16 --cols 16 --sel-group 16 --a-bits 8 --w-bits 8 "
            "--mac bit-serial");
  const std::vector<std::string> files = FileNames(d);
  for (const char* f : {"flexcim_serializer_p4_r16_c16_g16_a8_w8_bs.v",
                        "flexcim_shift_acc_p4_r16_c16_g16_a8_w8_bs.v",
                        "flexcim_mul_p4_r16_c16_g16_a8_w8_bs.v"}) {
    EXPECT_NE(std::find(files.begin(), files.end(), f), files.end()) << f;
  }
  // The cell is an AND of one activation bit with the weight (file 0 is
  // the replicated control register).
  EXPECT_NE(d.files[1].text.find("assign product = weight & {8{act}};"), std::string::npos)
      << d.files[1].text;
}

// The merged lane's bound, from the merge semantics of FLEXCIM.md 3: with
// log2 N = n merges, blocks b < P/2^n hold 2^n column sums and the others
// 0, so block b holds at most max over n of those, a sum of csw-bit values
// needing log2 of that many bits more. MergeOutputLaneBits must never be
// below it (a narrower lane wraps); it equals it (no bit wasted).
TEST(GenerateFlexcim, MergedLaneBitsAreTheColumnSumBound) {
  for (int subs : {1, 2, 4, 8, 16}) {
    const MacroConfig config = MacroConfig::Create(
        {.subs = subs, .rows = 8, .cols = 4, .sel_group = 4, .a_bits = 4, .w_bits = 5, .mac = MacStyle::kBitSerial});
    for (int b = 0; b < subs; ++b) {
      int most = 0;
      for (int n = 0; n <= config.log2_subs(); ++n) {
        if (b < (subs >> n)) most = std::max(most, 1 << n);
      }
      EXPECT_EQ(MergeOutputLaneBits(config, b), config.submacro_output_width() + Log2Exact(most))
          << "P " << subs << ", block " << b;
    }
  }
  EXPECT_THROW(
      {
        try {
          MergeOutputLaneBits(MacroConfig::Default(), 4);
        } catch (const Error& e) {
          EXPECT_STREQ(e.what(), "MergeOutputLaneBits: block 4 outside 0..3");
          throw;
        }
      },
      Error);
}

// Each bit-serial accumulator lane is as wide as its merged lane's bound
// plus A, sign-extended to O on out_data: exact widths of two
// configurations' shift-accumulators (default: 14-bit plane sums in block
// 0, 13 in block 1, 12 in blocks 2-3; 80 accumulator bits fewer than 64
// lanes of 22).
TEST(GenerateFlexcim, BitSerialAccumulatorLanesHaveTheirMergedLaneWidth) {
  const MacroConfig def = MacroConfig::Default().WithMac(MacStyle::kBitSerial);
  EXPECT_EQ(def.submacro_output_width(), 12);
  EXPECT_EQ(MergeOutputLaneBits(def, 0), 14);
  EXPECT_EQ(MergeOutputLaneBits(def, 1), 13);
  EXPECT_EQ(MergeOutputLaneBits(def, 2), 12);
  EXPECT_EQ(MergeOutputLaneBits(def, 3), 12);
  const std::string acc = FileNamed(GenerateFlexcim(def), "flexcim_shift_acc_p4_r16_c16_g16_a8_w8_bs.v").text;
  for (const char* line : {
           "  input wire [895:0] plane_sums,\n",  // 64 lanes of 14
           "  output wire [1407:0] sums\n",       // 64 lanes of O = 22
           "  reg [351:0] acc0_q;\n",             // 16 x 22
           "  reg [335:0] acc1_q;\n",             // 16 x 21
           "  reg [639:0] acc2_q;\n",             // 32 x 20
           "    for (i = 0; i < 16; i = i + 1) begin : g_lane0\n",
           "      assign plane = plane_sums[i * 14 +: 14];\n",
           "      assign sums[i * 22 +: 22] = acc0_q[i * 22 +: 22];\n",
           "    for (i = 0; i < 16; i = i + 1) begin : g_lane1\n",
           "      assign plane = plane_sums[i * 14 + 224 +: 13];\n",
           "      assign sums[i * 22 + 352 +: 22] = {{1{acc1_q[i * 21 + 20]}}, acc1_q[i * 21 +: 21]};\n",
           "    for (i = 0; i < 32; i = i + 1) begin : g_lane2\n",
           "      assign plane = plane_sums[i * 14 + 448 +: 12];\n",
           "      assign sums[i * 22 + 704 +: 22] = {{2{acc2_q[i * 20 + 19]}}, acc2_q[i * 20 +: 20]};\n"}) {
    EXPECT_NE(acc.find(line), std::string::npos) << line << acc;
  }
  EXPECT_EQ(acc.find("acc3_q"), std::string::npos);

  // P = 8, R = 8, W = 8 (csw 11), A = 8, C = 8: blocks 14, 13, 12, 12, 11 x 4.
  const MacroConfig p8 = MacroConfig::Create(
      {.subs = 8, .rows = 8, .cols = 8, .sel_group = 2, .a_bits = 8, .w_bits = 8, .mac = MacStyle::kBitSerial});
  std::vector<int> bits;
  for (int b = 0; b < 8; ++b) bits.push_back(MergeOutputLaneBits(p8, b));
  EXPECT_EQ(bits, (std::vector<int>{14, 13, 12, 12, 11, 11, 11, 11}));
  const std::string acc8 = FileNamed(GenerateFlexcim(p8), "flexcim_shift_acc_p8_r8_c8_g2_a8_w8_bs.v").text;
  for (const char* line : {"  reg [175:0] acc0_q;\n",   // 8 x 22
                           "  reg [167:0] acc1_q;\n",   // 8 x 21
                           "  reg [319:0] acc2_q;\n",   // 16 x 20
                           "  reg [607:0] acc3_q;\n",   // 32 x 19
                           "      assign sums[i * 22 + 704 +: 22] = {{3{acc3_q[i * 19 + 18]}}, acc3_q[i * 19 +: 19]};\n"}) {
    EXPECT_NE(acc8.find(line), std::string::npos) << line << acc8;
  }

  // P = 1: one lane width, the accumulator is the port (no sign copies).
  const std::string acc1 = FileNamed(GenerateFlexcim(MacroConfig::Create({.subs = 1, .rows = 4, .cols = 4, .sel_group = 4, .a_bits = 8, .w_bits = 8, .mac = MacStyle::kBitSerial})),
                                     "flexcim_shift_acc_p1_r4_c4_g4_a8_w8_bs.v")
                               .text;
  EXPECT_NE(acc1.find("  assign sums = acc_q;\n"), std::string::npos) << acc1;
  EXPECT_EQ(acc1.find("unused_sign_copies"), std::string::npos) << acc1;
}

TEST(GenerateFlexcim, LargestMacroIsFastAndSmall) {
  const auto start = std::chrono::steady_clock::now();
  const GeneratedDesign d = GenerateFlexcim(MacroConfig::Create({.subs = 16, .rows = 256, .cols = 256, .sel_group = 1, .a_bits = 16, .w_bits = 16}));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 2.0);
  size_t bytes = 0;
  for (const GeneratedFile& f : d.files) bytes += f.text.size();
  EXPECT_LT(bytes, 64u * 1024u);
  EXPECT_EQ(d.latency, 1 + 8 + 4);
  EXPECT_EQ(d.manifest["output_width"], 16 + 16 + 8 + 4);
}

}  // namespace
}  // namespace flexcim::gen
