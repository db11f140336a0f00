// synth --accel (docs/ACCEL.md "Area and clock"): the accelerator's logic
// synthesised without its macros and SRAM models, the SRAMs accounted at
// the cited per-bit figures, the report's keys.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "core/accel_config.h"
#include "core/errors.h"
#include "generator/accel_generator.h"
#include "generator/design_writer.h"
#include "synth/accel_synth.h"

namespace flexcim::synth {
namespace {

namespace fs = std::filesystem;

TEST(AccelSynth, SmallAcceleratorLogicWithoutMacrosAndSrams) {
  const fs::path root = fs::temp_directory_path() / fmt::format("flexcim_accel_synth_test_{}", ::getpid());
  fs::remove_all(root);
  const AccelConfig c =
      AccelConfig::Create(Arch::kFlexcim, MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4}),
                          {.macros = 2, .wbuf_rows = 8, .abuf_words = 4, .obuf_rows = 4, .descriptors = 4,
                           .max_tokens = 2});
  gen::WriteDesign(gen::GenerateAccel(c), root / "rtl");
  AccelSynthOptions o;
  o.rtl_dir = root / "rtl";
  o.work_dir = root / "synth";
  o.data_dir = FLEXCIM_TEST_DATA_DIR;
  const AccelSynthResult r = RunAccelSynth(o);
  EXPECT_EQ(r.top, c.TopName());
  EXPECT_EQ(r.macro_top, "flexcim_top");
  EXPECT_EQ(r.macros, 2);
  // Neither a macro nor an SRAM model was synthesised: only the top, its
  // accumulate adders and the control-bit copies are in the netlist.
  std::ifstream stat(root / "synth" / "stat.txt");
  std::stringstream text;
  text << stat.rdbuf();
  EXPECT_EQ(text.str().find("=== flexcim_"), std::string::npos);
  EXPECT_EQ(text.str().find("=== accel_sram"), std::string::npos);
  EXPECT_NE(text.str().find("=== accel_accumulate_l4_o"), std::string::npos);
  EXPECT_GT(r.sequencer_area_um2, 0);
  EXPECT_GT(r.accumulator_area_um2, 0);
  EXPECT_NEAR(r.logic_area_um2, r.sequencer_area_um2 + r.accumulator_area_um2, 0.01);
  EXPECT_GT(r.flip_flops, 0);
  ASSERT_TRUE(r.min_period_ns.has_value());
  EXPECT_GT(*r.min_period_ns, 0.5);
  EXPECT_LT(*r.min_period_ns, 20.0);  // the cut clock pins are not paths (they gave 50 ns)
  EXPECT_NEAR(*r.fmax_mhz, 1000.0 / *r.min_period_ns, 1e-6);
  // SRAMs by role: words of the manifest's widths (P*C = 4 lanes).
  ASSERT_EQ(r.srams.size(), 4u);
  EXPECT_EQ(r.srams[0].module, fmt::format("accel_sram_w{}_d8", c.row_bits()));
  EXPECT_EQ(r.srams[1].instances, 2);
  EXPECT_EQ(r.srams[3].module, "accel_sram_w128_d4_p2");
  EXPECT_EQ(r.srams[3].Bits(), 512);
  EXPECT_NEAR(r.srams[3].AreaUm2(), 512 * 479.78 * 397.5 / 8192, 1e-6);
  if (!::testing::Test::HasFailure()) fs::remove_all(root);
}

TEST(AccelSynth, ReportKeysAndOverhead) {
  AccelSynthResult r;
  r.top = "accel_x";
  r.arch = "flexcim";
  r.macro_top = "flexcim_top";
  r.macros = 4;
  r.logic_area_um2 = 1000;
  r.sequencer_area_um2 = 400;
  r.accumulator_area_um2 = 600;
  r.min_period_ns = 5;
  r.fmax_mhz = 200;
  r.srams = {{.role = "output buffer", .module = "accel_sram_w64_d2_p4", .width = 64, .depth = 2, .ports = 4}};
  const auto j = AccelSynthJson(r, 2500.0, "docs/PPA.md");
  EXPECT_EQ(j.at("logic").at("area_um2").get<double>(), 1000);
  EXPECT_EQ(j.at("macro").at("macros_area_um2").get<double>(), 10000);
  EXPECT_DOUBLE_EQ(j.at("overhead").at("logic_percent_of_macros").get<double>(), 10.0);
  EXPECT_FALSE(j.at("overhead").at("met").get<bool>());  // under 10%, not at it
  EXPECT_EQ(j.at("sram").at("buffers").at(0).at("bits").get<long long>(), 128);
  EXPECT_NEAR(j.at("sram").at("area_um2").get<double>(), 128 * 23.2804, 0.01);
  EXPECT_NEAR(j.at("sram").at("read_pj_per_bit").get<double>(), 0.16954, 1e-5);
  EXPECT_NEAR(j.at("overhead").at("total_area_um2").get<double>(), 10000 + 1000 + 128 * 23.2804, 0.01);
  const auto without = AccelSynthJson(r, std::nullopt, "");
  EXPECT_TRUE(without.at("overhead").is_null());
  EXPECT_THROW(AccelSramUses(nlohmann::json::object()), Error);
}

}  // namespace
}  // namespace flexcim::synth
