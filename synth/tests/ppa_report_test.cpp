#include "synth/ppa_report.h"

#include <gtest/gtest.h>

#include "synth/comparison_plot.h"
#include "synth/component_map.h"

namespace flexcim::synth {
namespace {

PpaResult Make(const std::string& arch, double total, double flex_part) {
  PpaResult r;
  r.arch = arch;
  r.name = "p4_r16_c16_g16_a8_w8";
  r.params = {{"P", 4}, {"R", 16}, {"C", 16}, {"G", 16}, {"A", 8}, {"W", 8}};
  r.cells = 1024;
  r.macs_per_cycle = 1024;
  for (const auto& c : ComponentOrder()) r.area.components[c] = 0;
  r.area.components[kDistribution] = flex_part;
  r.area.components[kMultipliers] = total - flex_part;
  r.area.total_area = total;
  r.check_passed = true;
  return r;
}

TEST(PpaReport, OverheadAgainstBaselines) {
  const std::vector<PpaResult> rs = {Make("flexcim", 1100, 60), Make("dense", 1000, 0), Make("sparse12", 1050, 0)};
  const auto o = ComputeOverheads(rs);
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o[0].baseline_arch, "dense");
  EXPECT_DOUBLE_EQ(o[0].flexibility_percent, 6.0);
  EXPECT_DOUBLE_EQ(o[0].total_difference_percent, 10.0);
  EXPECT_EQ(o[1].baseline_arch, "sparse12");
  EXPECT_DOUBLE_EQ(o[1].flexibility_um2, 60.0);
  const auto j = ReportJson(rs);
  EXPECT_EQ(j["overheads"].size(), 2u);
  EXPECT_DOUBLE_EQ(j["results"][0]["area"]["components"]["distribution"]["percent"].get<double>(),
                   100.0 * 60 / 1100);
  EXPECT_NE(ReportMarkdown(rs).find("| p4_r16_c16_g16_a8_w8 | sparse12 | 60.0 | 5.71% | +4.76% |"), std::string::npos);
}

TEST(PpaReport, SaysWhetherTheFivePercentTargetIsMetAndWhatDominates) {
  const std::vector<PpaResult> over = {Make("flexcim", 1100, 60), Make("sparse12", 1050, 0)};
  EXPECT_NE(ReportMarkdown(over).find(
                "Target (issue 4): flexibility overhead below 5% of the fixed 1:2 macro's area (bit-parallel, ff "
                "storage): **not met** "
                "(5.71%). Its parts: distribution muxes 60.0 µm² (100.0% of the overhead);"),
            std::string::npos)
      << ReportMarkdown(over);
  const std::vector<PpaResult> under = {Make("flexcim", 1100, 40), Make("sparse12", 1050, 0)};
  EXPECT_NE(ReportMarkdown(under).find("storage): **met** (3.81%)"), std::string::npos);
}

TEST(PpaReport, EnergyPerMac) {
  PpaResult r = Make("flexcim", 1, 0);
  TimingPower t;
  t.fmax_mhz = 500;
  t.power.total = 100;  // mW
  r.timing = t;
  // 100 mW / 500 MHz = 200 pJ per vector; / 1024 MACs.
  EXPECT_DOUBLE_EQ(*r.EnergyPerVectorPj(), 200.0);
  EXPECT_DOUBLE_EQ(*r.EnergyPerMacPj(), 200.0 / 1024);
}

// A bit-serial result: 1024 cells, one vector every 8 cycles (128 MACs per
// cycle), 4-bit activations (a 4x8 MAC is half an 8x8 MAC).
PpaResult Timed(const std::string& arch, const std::string& mac, double total, double flex_part,
                double power_mw) {
  PpaResult r = Make(arch, total, flex_part);
  r.mac = mac;
  r.storage = "latch";
  r.params["A"] = 4;
  r.initiation_interval = 8;
  r.macs_per_cycle = 128;
  TimingPower t;
  t.fmax_mhz = 100;
  t.compute_fmax_mhz = 200;
  t.power.total = power_mw;
  r.timing = t;
  return r;
}

TEST(PpaReport, EightBitEquivalentMetrics) {
  const PpaResult r = Timed("flexcim", "bit-serial", 1e6, 30000, 64);
  // 64 mW / 100 MHz = 640 pJ per cycle, 5120 pJ per vector; 5 pJ per 4x8 MAC,
  // 10 pJ per 8-bit MAC, 2/10 TOPS/W.
  EXPECT_DOUBLE_EQ(*r.EnergyPerCyclePj(), 640.0);
  EXPECT_DOUBLE_EQ(*r.EnergyPerVectorPj(), 5120.0);
  EXPECT_DOUBLE_EQ(*r.EnergyPerMacPj(), 5.0);
  EXPECT_DOUBLE_EQ(r.Mac8PerMac(), 0.5);
  EXPECT_DOUBLE_EQ(*r.EnergyPerMac8Pj(), 10.0);
  EXPECT_DOUBLE_EQ(*r.TopsPerWatt(), 0.2);
  // At the one clock (100 MHz, the worst path over all paths), not the
  // compute-only 200 MHz: 2 x 64 MAC8/cycle x 100 MHz = 12.8 GOPS on 1 mm².
  EXPECT_DOUBLE_EQ(*r.ClockMhz(), 100.0);
  EXPECT_DOUBLE_EQ(*r.ComputeFmaxMhz(), 200.0);
  EXPECT_DOUBLE_EQ(*r.TopsPerMm2(), 0.0128);
  EXPECT_DOUBLE_EQ(r.AreaPerWeightUm2(), 1e6 / 1024);
}

TEST(PpaReport, ComparisonTableWithEnergyOverheadPerVariant) {
  const std::vector<PpaResult> rs = {Timed("flexcim", "bit-serial", 1e6, 30000, 66),
                                     Timed("sparse12", "bit-serial", 0.98e6, 0, 64),
                                     Timed("sparse12", "bit-parallel", 0.5e6, 0, 10)};
  const auto o = ComputeOverheads(rs);
  ASSERT_EQ(o.size(), 1u);  // only the same variant pairs
  EXPECT_EQ(o[0].mac, "bit-serial");
  EXPECT_DOUBLE_EQ(*o[0].energy_difference_percent, 100.0 * 2 / 64);
  EXPECT_EQ(o[0].dominant_component, kDistribution);
  const std::string md = ComparisonMarkdown(rs);
  EXPECT_NE(md.find("| flexcim | bit-serial | latch | 1.000 | 976.6 | 100.0 | 200.0 | 10.312 | 0.1939 | 0.01280 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| bit-serial | latch | 3.06% | +2.04% | +3.12% | area met, energy met | distribution muxes |"),
            std::string::npos)
      << md;
  const auto j = ReportJson(rs);
  EXPECT_EQ(j["comparison"].size(), 3u);
  EXPECT_DOUBLE_EQ(j["comparison"][0]["tops_per_mm2"].get<double>(), 0.0128);
  EXPECT_EQ(ComparisonMarkdown({rs[0]}), "");
}

TEST(PpaReport, ComparisonPlotPerVariant) {
  const std::vector<PpaResult> rs = {Timed("flexcim", "bit-serial", 1e6, 30000, 66),
                                     Timed("sparse12", "bit-serial", 0.98e6, 0, 64)};
  const auto svg = ComparisonSvg(rs);
  ASSERT_TRUE(svg.has_value());
  for (const char* text : {">Area per weight<", ">Energy per 8-bit-equivalent MAC<",
                           ">FlexCiM overhead against the fixed 1:2 macro (goal: below 5%)<", ">bit-serial / latch<",
                           ">977<", ">957<", ">10.3<", ">10.0<", ">3.06%<", ">+3.12%<", ">5% goal<"}) {
    EXPECT_NE(svg->find(text), std::string::npos) << text;
  }
  // Without timing there is no energy panel; one result is no comparison.
  std::vector<PpaResult> untimed = rs;
  for (auto& r : untimed) r.timing.reset();
  EXPECT_EQ(ComparisonSvg(untimed)->find("Energy per 8-bit"), std::string::npos);
  EXPECT_EQ(ComparisonSvg({rs[0]}), std::nullopt);
}

}  // namespace
}  // namespace flexcim::synth
