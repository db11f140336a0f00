#include "synth/energy_comparison.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/errors.h"

namespace flexcim::synth {
namespace {

// Default macro: 1024 cells x 8x8 bits = 1024 8-bit MACs per vector.
std::vector<DesignEnergy> TwoDesigns() {
  const MacroConfig m = MacroConfig::Default();
  DesignEnergy f{.arch = Arch::kFlexcim, .macro = m, .design = "p4_r16_c16_g16_a8_w8", .area_um2 = 4096000,
                 .area_um2_by_component = {{"merging network", 96000}, {"multipliers", 4000000}},
                 .fmax_mhz = 200, .vector_pj = 8192, .row_write_pj = 100, .idle_cycle_pj = 10,
                 .vector_pj_by_component = {{"merging network", 819.2}, {"multipliers", 7372.8}},
                 .idle_cycle_pj_by_component = {{"merging network", 4}, {"multipliers", 6}},
                 .activity = "simulated", .source = "map/stimulus.txt"};
  DesignEnergy s{.arch = Arch::kSparse12, .macro = m, .design = "sparse12_p4_r16_c16_a8_w8", .area_um2 = 3200000,
                 .area_um2_by_component = {{"multipliers", 3200000}}, .fmax_mhz = 250, .vector_pj = 6553.6,
                 .row_write_pj = 90, .idle_cycle_pj = 9, .vector_pj_by_component = {{"multipliers", 6553.6}},
                 .idle_cycle_pj_by_component = {{"multipliers", 9}},
                 .activity = "simulated", .source = "map/stimulus_sparse12_p4_r16_c16_a8_w8.txt"};
  return {f, s};
}

TEST(EnergyComparison, RatiosAndOverheadSplitByComponent) {
  const EnergyComparison c = CompareDesignEnergies(TwoDesigns());
  const auto& f = c.designs["p4_r16_c16_g16_a8_w8"];
  EXPECT_DOUBLE_EQ(f["pj_per_mac8"].get<double>(), 8.0);
  EXPECT_DOUBLE_EQ(f["tops_per_w"].get<double>(), 0.25);
  EXPECT_NEAR(f["tops_per_mm2"].get<double>(), 0.1, 1e-12);  // 2 x 1024 x 200 MHz / 4.096 mm²
  EXPECT_EQ(f["mac"], "bit-parallel");
  EXPECT_EQ(f["storage"], "ff");
  const auto& ov = c.overhead["p4_r16_c16_g16_a8_w8"];
  EXPECT_EQ(ov["against"], "sparse12_p4_r16_c16_a8_w8");
  EXPECT_NEAR(ov["area_percent"].get<double>(), 28.0, 1e-9);
  EXPECT_NEAR(ov["energy_per_mac8_percent"].get<double>(), 25.0, 1e-9);
  // Clock+leakage: (1 x 10 - 1 x 9) pJ / 1024 MACs / 6.4 pJ per MAC = 0.0152587890625 points.
  EXPECT_NEAR(ov["clock_leakage_points"].get<double>(), 0.0152587890625, 1e-12);
  EXPECT_NEAR(ov["switching_points"].get<double>(), 25.0 - 0.0152587890625, 1e-9);
  EXPECT_NEAR(ov["components"]["merging network"]["area_points"].get<double>(), 3.0, 1e-9);
  EXPECT_NEAR(ov["components"]["merging network"]["energy_points"].get<double>(), 12.5, 1e-9);
  EXPECT_NEAR(ov["components"]["multipliers"]["area_points"].get<double>(), 25.0, 1e-9);
  EXPECT_NEAR(ov["components"]["multipliers"]["energy_points"].get<double>(), 12.5, 1e-9);
  // Per component, II = 1: merging network 4 pJ / 1024 / 6.4 = 0.06103515625 points of clock,
  // multipliers (6 - 9) pJ / 1024 / 6.4 = -0.0457763671875.
  EXPECT_NEAR(ov["components"]["merging network"]["clock_leakage_points"].get<double>(), 0.06103515625, 1e-12);
  EXPECT_NEAR(ov["components"]["merging network"]["switching_points"].get<double>(), 12.5 - 0.06103515625, 1e-9);
  EXPECT_NEAR(ov["components"]["multipliers"]["clock_leakage_points"].get<double>(), -0.0457763671875, 1e-12);
  EXPECT_EQ(c.markdown,
            "| arch | MAC | storage | area (mm²) | fmax, one clock (MHz) | pJ/vector | pJ/row write | pJ/idle cycle | "
            "pJ/MAC (8b) | TOPS/W | TOPS/mm² |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
            "| flexcim | bit-parallel | ff | 4.096 | 200.0 | 8192.0 | 100.0 | 10.0 | 8.000 | 0.2500 | 0.10000 |\n"
            "| sparse12 | bit-parallel | ff | 3.200 | 250.0 | 6553.6 | 90.0 | 9.0 | 6.400 | 0.3125 | 0.16000 |\n"
            "\n| FlexCiM vs fixed 1:2: MAC | storage | against | area | energy/MAC (8b) | of which clock+leakage / "
            "switching (points) | by component (area / energy/MAC, points of the 1:2 total) |\n"
            "|---|---|---|---:|---:|---:|---|\n"
            "| bit-parallel | ff | sparse12_p4_r16_c16_a8_w8 | +28.00% | +25.00% | +0.02 / +24.98 | "
            "merging network +3.00 / +12.50; "
            "multipliers +25.00 / +12.50 |\n");
}

TEST(EnergyComparison, DesignsReadBackFromTheFileGiveTheSameTable) {
  const EnergyComparison c = CompareDesignEnergies(TwoDesigns());
  const nlohmann::json file = {{"designs", c.designs}};
  std::vector<DesignEnergy> back = DesignEnergiesFromJson(file, "e.json");
  ASSERT_EQ(back.size(), 2u);
  SortByStyleAndArch(back);
  EXPECT_EQ(back[0].design, "p4_r16_c16_g16_a8_w8");
  EXPECT_EQ(back[1].source, "map/stimulus_sparse12_p4_r16_c16_a8_w8.txt");
  EXPECT_EQ(CompareDesignEnergies(back).markdown, c.markdown);
  EXPECT_EQ(back[0].idle_cycle_pj_by_component, (std::map<std::string, double>{{"merging network", 4}, {"multipliers", 6}}));
  EXPECT_EQ(CompareDesignEnergies(back).overhead, c.overhead);

  // An energy run's file holds the idle split as energy_pj_by_component.idle_cycle.
  nlohmann::json run = file;
  run["designs"]["p4_r16_c16_g16_a8_w8"].erase("idle_cycle_pj_by_component");
  run["designs"]["p4_r16_c16_g16_a8_w8"]["energy_pj_by_component"] = {{"idle_cycle", {{"merging network", 2.5}}}};
  const std::vector<DesignEnergy> from_run = DesignEnergiesFromJson(run, "run.json");
  const auto fx = std::find_if(from_run.begin(), from_run.end(),
                               [](const DesignEnergy& d) { return d.arch == Arch::kFlexcim; });
  ASSERT_NE(fx, from_run.end());
  EXPECT_EQ(fx->idle_cycle_pj_by_component, (std::map<std::string, double>{{"merging network", 2.5}}));

  nlohmann::json renamed = file;
  renamed["designs"]["p4_r16_c16_g16_a8_w8_bs"] = renamed["designs"]["p4_r16_c16_g16_a8_w8"];
  try {
    DesignEnergiesFromJson(renamed, "e.json");
    FAIL() << "a design whose arch and macro make another name was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "e.json: designs.p4_r16_c16_g16_a8_w8_bs: \"arch\" and \"macro\" make "
                           "p4_r16_c16_g16_a8_w8, not the design's name");
  }
  try {
    DesignEnergiesFromJson({{"archs", {}}}, "old.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "old.json: no \"designs\" object (write it with flexcim energy --stimulus or --activity-vcd)");
  }
}

}  // namespace
}  // namespace flexcim::synth
