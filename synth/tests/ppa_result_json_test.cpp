#include <gtest/gtest.h>

#include "synth/component_map.h"
#include "synth/ppa_result.h"

namespace flexcim::synth {
namespace {

// Every field set to a value other than its default.
PpaResult FullResult() {
  PpaResult r;
  r.arch = "sparse12";
  r.name = "p2_r4_c4_g4_a4_w3";
  r.params = {{"P", 2}, {"R", 4}, {"C", 4}, {"G", 4}, {"A", 4}, {"W", 3}};
  r.latency = 4;
  r.mac = "bit-serial";
  r.storage = "latch";
  r.initiation_interval = 4;
  r.cells = 32;
  r.macs_per_cycle = 8;
  r.check_passed = true;
  r.area.top = "sparse12_top";
  r.area.total_area = 1234.5678901234;
  r.area.sequential_cells = 77;
  double a = 1.25;
  for (const auto& c : ComponentOrder()) r.area.components[c] = a += 3.0625;
  r.area.modules = {{"sparse12_top", "pipeline", 1, 10.5, 2.25, 10.5}, {"m", "adder tree", 4, 3.5, 0.5, 14.0}};
  TimingPower t;
  t.startpoint = "a/b";
  t.endpoint = "c/d";
  t.arrival_ns = 3.3;
  t.min_period_ns = 3.45;
  t.fmax_mhz = 1000 / 3.45;
  t.power = {0.1, 0.2, 0.003, 0.303};
  t.sequential_power = {0.01, 0.02, 0.0003, 0.0303};
  t.combinational_power = {0.09, 0.18, 0.0027, 0.2727};
  t.compute_startpoint = "e";
  t.compute_endpoint = "f";
  t.compute_min_period_ns = 2.5;
  t.compute_fmax_mhz = 400;
  r.timing = t;
  r.input_activity = 0.25;
  r.port_activity = {{"rst_n", 0.0}, {"in_act", 0.375}};
  r.port_only_power = PowerMw{0.5, 0.25, 0.125, 0.875};
  r.annotated_registers = 12;
  r.component_power = {{"distribution muxes", 0.125}, {"adder tree", 0.0625}};
  r.sequential_cells = 77;
  r.yosys_seconds = 1.5;
  r.sta_seconds = 0.75;
  r.work_dir = "/w/x";
  return r;
}

TEST(PpaResultJson, FromJsonInvertsToJson) {
  const PpaResult r = FullResult();
  const nlohmann::json j = ToJson(r);
  EXPECT_EQ(ToJson(PpaResultFromJson(j)), j);
  // Through text too (what a cluster task writes and the merge reads).
  EXPECT_EQ(ToJson(PpaResultFromJson(nlohmann::json::parse(j.dump(2)))), j);
  const PpaResult back = PpaResultFromJson(j);
  EXPECT_EQ(back.area.total_area, r.area.total_area);
  EXPECT_EQ(back.timing->fmax_mhz, r.timing->fmax_mhz);
  EXPECT_EQ(back.port_only_power->total, 0.875);

  PpaResult area_only = FullResult();
  area_only.timing.reset();
  area_only.port_only_power.reset();
  const nlohmann::json k = ToJson(area_only);
  EXPECT_EQ(ToJson(PpaResultFromJson(k)), k);
  EXPECT_FALSE(PpaResultFromJson(k).timing);
}

TEST(PpaResultJson, MissingKeyThrows) {
  nlohmann::json j = ToJson(FullResult());
  j["area"].erase("total_um2");
  EXPECT_THROW(PpaResultFromJson(j), nlohmann::json::exception);
}

}  // namespace
}  // namespace flexcim::synth
