#include "golden/layer_schedule.h"

#include <gtest/gtest.h>

#include <random>

#include "core/errors.h"
#include "golden/layer_runner.h"

namespace flexcim::golden {
namespace {

// A free 2:4 layer on a G = 1 macro, every group keeping its 2 largest |w|.
LayerWeights RandomTwoFour(int out, int in, std::mt19937_64& rng) {
  LayerWeights l{out, in, std::vector<int32_t>(static_cast<size_t>(out) * in),
                 std::vector<uint8_t>(static_cast<size_t>(out) * in, 0)};
  std::uniform_int_distribution<int> w(-127, 127), pick(0, 3);
  for (int o = 0; o < out; ++o) {
    for (int g = 0; g * 4 < in; ++g) {
      int a = pick(rng), b = pick(rng);
      while (b == a) b = pick(rng);
      for (int i : {a, b}) {
        if (g * 4 + i < in) {
          l.keep[static_cast<size_t>(o) * in + g * 4 + i] = 1;
          l.weights[static_cast<size_t>(o) * in + g * 4 + i] = w(rng);
        }
      }
    }
  }
  return l;
}

TEST(LayerSchedule, CycleModelOnTheScheduleComputesTheLayerInExactlyLayerCycles) {
  std::mt19937_64 rng(5);
  const MacroConfig c = MacroConfig::Create({.subs = 4, .rows = 4, .cols = 4, .sel_group = 1, .a_bits = 8, .w_bits = 8});
  const LayerWeights w = RandomTwoFour(12, 42, rng);  // 3 x 3 tiles, K padded
  const TiledLayer layer = EncodeLayer(c, {2, 4}, w);
  const int tokens = 5;
  std::vector<int32_t> x(static_cast<size_t>(tokens) * 42);
  std::uniform_int_distribution<int> a(-128, 127);
  for (auto& v : x) v = a(rng);
  const auto cycles = ScheduleLayer(layer, x, tokens);
  EXPECT_EQ(static_cast<int64_t>(cycles.size()), LayerCycles(c, layer, tokens));
  EXPECT_EQ(cycles.size(), 6u * (16 + 2 + 5 + 5));  // 2 x 3 tiles, each P*R + Lw-1 + tokens + L (L = 5)
  const auto y = RunScheduleOnCycleModel(layer, tokens, cycles);
  for (int t = 0; t < tokens; ++t) {
    const std::vector<int32_t> xt(x.begin() + t * 42, x.begin() + (t + 1) * 42);
    const auto want = MaskedLayerGemv(w, xt);
    for (int o = 0; o < 12; ++o) EXPECT_EQ(y[t * 12 + o], want[o]) << "token " << t << " output " << o;
  }
}

// Bit-serial cells: tokens II = A cycles apart; the count still equals the
// schedule's length and the cycle model computes the layer exactly.
TEST(LayerSchedule, BitSerialSpacesTokensByTheInitiationInterval) {
  std::mt19937_64 rng(6);
  const MacroConfig c = MacroConfig::Create({.subs = 4, .rows = 4, .cols = 4, .sel_group = 1, .a_bits = 8, .w_bits = 8}).WithMac(MacStyle::kBitSerial);
  const LayerWeights w = RandomTwoFour(12, 42, rng);
  const TiledLayer layer = EncodeLayer(c, {2, 4}, w);
  const int tokens = 5;
  std::vector<int32_t> x(static_cast<size_t>(tokens) * 42);
  std::uniform_int_distribution<int> a(-128, 127);
  for (auto& v : x) v = a(rng);
  const auto cycles = ScheduleLayer(layer, x, tokens);
  // 6 tiles, each P*R + Lw-1 + (tokens-1)*II + 1 + L = 16 + 2 + 4*8 + 1 + 14.
  EXPECT_EQ(c.pipeline_latency(), 14);
  EXPECT_EQ(cycles.size(), 6u * (16 + 2 + 32 + 1 + 14));
  EXPECT_EQ(static_cast<int64_t>(cycles.size()), LayerCycles(c, layer, tokens));
  const auto y = RunScheduleOnCycleModel(layer, tokens, cycles);
  for (int t = 0; t < tokens; ++t) {
    const std::vector<int32_t> xt(x.begin() + t * 42, x.begin() + (t + 1) * 42);
    EXPECT_EQ(std::vector<int32_t>(y.begin() + t * 12, y.begin() + (t + 1) * 12), MaskedLayerGemv(w, xt));
  }
}

TEST(LayerSchedule, Errors) {
  std::mt19937_64 rng(1);
  const MacroConfig c = MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 1, .a_bits = 8, .w_bits = 8});
  const TiledLayer layer = EncodeLayer(c, {2, 4}, RandomTwoFour(2, 4, rng));
  try {
    ScheduleLayer(layer, std::vector<int32_t>(7), 2);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "layer schedule: 7 activations for 2 tokens, must be tokens x K = 8");
  }
  try {
    AccumulateLayerOutputs(layer, 2, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "layer outputs: 0 valid outputs, the schedule delivers " +
                                         std::to_string(layer.tiles.size() * 2) + " (tiles x tokens)");
  }
}

}  // namespace
}  // namespace flexcim::golden
