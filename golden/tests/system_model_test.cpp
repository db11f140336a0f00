#include "golden/system_model.h"

#include <gtest/gtest.h>

#include <random>

#include "golden/layer_runner.h"
#include "golden/tests/test_util.h"

namespace flexcim::golden {
namespace {

using testing::ErrorOf;

std::string UsageOf(auto&& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no usage error";
}

TEST(SystemModel, OneMacroEqualsLayerCyclesExactly) {
  for (const MacroConfig& c : {MacroConfig::Default(), MacroConfig::Create({.subs = 1, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 4, .w_bits = 4}),
                               MacroConfig::Create({.subs = 8, .rows = 4, .cols = 2, .sel_group = 1, .a_bits = 8, .w_bits = 8})}) {
    const MacroTiming t = MacroTiming::For(Arch::kFlexcim, c);
    const std::vector<SystemLayer> layers = {{"0.wq", 3}, {"0.w1", 7}, {"0.w2", 1}};
    for (int64_t tokens : {1, 2, 128}) {
      const PassTiming p = ModelPass(t, layers, 1, tokens, WeightRegime::kStreamed);
      EXPECT_EQ(p.cycles, LayerCycles(c, 11, tokens)) << c.Name() << " tokens " << tokens;
      for (const LayerTiming& l : p.layers) EXPECT_EQ(l.cycles, LayerCycles(c, l.tiles, tokens));
      EXPECT_EQ(TileCycles(t, tokens), LayerCycles(c, 1, tokens));
      EXPECT_EQ(p.split.weight_load, 11 * c.tile_load_span());  // rows and Lw - 1 per tile
      EXPECT_EQ(p.row_writes, 11 * c.tile_load_cycles());
      EXPECT_EQ(p.split.idle, 0);
      EXPECT_EQ(p.split.total(), p.cycles);
    }
    // One tile and one macro: resident; its one-time load plus a pass is LayerCycles.
    const SystemTiming s = ModelSystem(t, {{"0.wq", 1}}, 1, 5);
    EXPECT_EQ(s.regime, WeightRegime::kResident);
    EXPECT_EQ(s.initial_load_cycles + s.prefill.cycles, LayerCycles(c, 1, 5));
    EXPECT_EQ(s.initial_load_cycles + s.decode.cycles, LayerCycles(c, 1, 1));
  }
}

TEST(SystemModel, SpreadsTilesAndChoosesRegime) {
  const MacroTiming t = MacroTiming::For(Arch::kFlexcim, MacroConfig::Default());  // load 64
  const int64_t L = t.pipeline_latency;
  ASSERT_EQ(t.write_settle_cycles(), 2);  // Lw - 1 after a tile's last row
  const std::vector<SystemLayer> layers = {{"a", 5}, {"b", 2}};
  const SystemTiming streamed = ModelSystem(t, layers, 4, 10);
  EXPECT_EQ(streamed.regime, WeightRegime::kStreamed);
  EXPECT_EQ(streamed.initial_load_cycles, 0);
  // layer a: 5 tiles on 4 macros -> 2 rounds; b: 1 round.
  EXPECT_EQ(streamed.prefill.layers[0].cycles, 2 * (64 + 2 + 10 + L));
  EXPECT_EQ(streamed.prefill.layers[1].cycles, 64 + 2 + 10 + L);
  EXPECT_EQ(streamed.prefill.split.compute, 7 * 10);
  EXPECT_EQ(streamed.prefill.row_writes, 7 * 64);
  EXPECT_EQ(streamed.decode.vectors, 7);
  EXPECT_EQ(streamed.prefill.split.total(), 4 * streamed.prefill.cycles);
  const SystemTiming resident = ModelSystem(t, layers, 7, 10);
  EXPECT_EQ(resident.regime, WeightRegime::kResident);
  EXPECT_EQ(resident.initial_load_cycles, 64 + 2);
  EXPECT_EQ(resident.initial_row_writes, 7 * 64);
  EXPECT_EQ(resident.decode.cycles, 2 * (1 + L));
  EXPECT_EQ(resident.decode.row_writes, 0);
  EXPECT_EQ(resident.prefill.split.idle, 7 * 2 * (10 + L) - 7 * (10 + L));
  EXPECT_NEAR(resident.prefill.Utilisation(7), 70.0 / (7 * 2 * (10 + L)), 1e-12);
  EXPECT_EQ(RegimeName(resident.regime), "resident");
}

TEST(SystemModel, EventSimulationAgreesWithClosedFormOnRandomCases) {
  std::mt19937_64 rng(2026);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int trial = 0; trial < 300; ++trial) {
    MacroTiming t;
    t.tile_load_cycles = uniform(1, 9);
    t.pipeline_latency = uniform(1, 7);
    t.initiation_interval = uniform(1, 4);
    t.write_latency = uniform(1, 4);
    std::vector<SystemLayer> layers;
    for (int l = uniform(1, 4); l > 0; --l) layers.push_back({"l" + std::to_string(l), uniform(0, 9)});
    const int macros = uniform(1, 6);
    const int64_t tokens = uniform(1, 6);
    for (WeightRegime regime : {WeightRegime::kStreamed, WeightRegime::kResident}) {
      int64_t total = 0;
      for (const auto& l : layers) total += l.tiles;
      if (regime == WeightRegime::kResident && total > macros) continue;
      const PassTiming closed = ModelPass(t, layers, macros, tokens, regime);
      const PassTiming simulated = SimulatePass(t, layers, macros, tokens, regime);
      ASSERT_EQ(closed, simulated) << "trial " << trial << " macros " << macros << " tokens " << tokens
                                   << " II " << t.initiation_interval << " Lw " << t.write_latency << " "
                                   << RegimeName(regime);
    }
  }
}

TEST(SystemModel, BadArgumentsNameTheFlag) {
  const MacroTiming t = MacroTiming::For(Arch::kDense, MacroConfig::Default());
  EXPECT_EQ(UsageOf([&] { ModelSystem(t, {{"a", 1}}, 0, 128); }), "--macros 0: must be >= 1");
  EXPECT_EQ(UsageOf([&] { ModelSystem(t, {{"a", 1}}, 2, 0); }), "--tokens 0: must be >= 1");
  EXPECT_EQ(ErrorOf([&] { ModelPass(t, {{"a", 3}}, 2, 1, WeightRegime::kResident); }),
            "resident weights need 3 macros, have 2");
}

}  // namespace
}  // namespace flexcim::golden
