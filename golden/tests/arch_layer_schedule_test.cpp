#include "golden/arch_layer_schedule.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/arch_config.h"
#include "golden/layer_runner.h"
#include "golden/tests/random_layer.h"
#include "golden/tests/test_util.h"

namespace flexcim::golden {
namespace {

using testing::RandomValues;

// 2 outputs x 20 inputs keeping one weight of every input pair (1:2), so
// that the fixed 1:2 macro runs it natively.
LayerWeights OnePerPairLayer(RandomValues& rv) {
  LayerWeights l{2, 20, std::vector<int32_t>(40), std::vector<uint8_t>(40, 0)};
  for (auto& w : l.weights) w = rv.Signed(8);
  for (int o = 0; o < 2; ++o)
    for (int i = 0; i < 20; i += 2) l.keep[o * 20 + i + (o + i / 2) % 2] = 1;
  return l;
}

struct Expected {
  Arch arch;
  MacStyle mac;
  int64_t tiles, cycles;
};

// P=2 R=4 C=4 G=1, 3 tokens. FlexCiM 1:2: 8 inputs x 8 outputs per tile, 3
// tiles; dense: 8 inputs x 4 outputs, 3 tiles; fixed 1:2 native: 16 inputs,
// 2 tiles. Per tile: 8 row writes + Lw - 1 = 2 + (3 - 1) x II + 1 + L, with
// bit-parallel L = 4 (all three), II = 1: 17 cycles; bit-serial FlexCiM
// L = 4 + A + 1 = 13, II = A = 8: 8 + 2 + 16 + 1 + 13 = 40 cycles; the
// bit-serial baselines split their carries (column sums of 8 + 3 = 11 bits
// > 7, BaselineConfig::carry_split_stages() = 1): L = 14, 41 cycles.
TEST(ArchLayerSchedule, EveryArchAndCellStyleComputesTheLayerWithExactCounts) {
  RandomValues rv(17);
  const LayerWeights l = OnePerPairLayer(rv);
  const int tokens = 3;
  std::vector<int32_t> x(static_cast<size_t>(tokens) * l.in_features);
  for (auto& v : x) v = rv.Signed(8);
  const Expected cases[] = {{Arch::kFlexcim, MacStyle::kBitParallel, 3, 51},
                            {Arch::kDense, MacStyle::kBitParallel, 3, 51},
                            {Arch::kSparse12, MacStyle::kBitParallel, 2, 34},
                            {Arch::kFlexcim, MacStyle::kBitSerial, 3, 120},
                            {Arch::kDense, MacStyle::kBitSerial, 3, 123},
                            {Arch::kSparse12, MacStyle::kBitSerial, 2, 82}};
  for (const Expected& e : cases) {
    const MacroConfig c =
        MacroConfig::Create({.subs = 2, .rows = 4, .cols = 4, .sel_group = 1, .a_bits = 8, .w_bits = 8, .mac = e.mac});
    const ArchMappedLayer m = MapArchLayer(e.arch, c, {1, 2}, l, "0.wq");
    const std::string what = ArchName(e.arch) + " " + c.Name();
    ASSERT_EQ(m.tiles(), e.tiles) << what;
    // The counts above are the configuration's: per tile the row writes,
    // Lw - 1, the tokens at II and the latency L of the architecture.
    const ArchConfig a(e.arch, c);
    EXPECT_EQ(e.cycles, e.tiles * (8 + a.write_latency() - 1 + (tokens - 1) * a.initiation_interval() + 1 +
                                   a.pipeline_latency()))
        << what;
    const std::vector<CycleInput> s = ScheduleArchLayer(m, x, tokens);
    EXPECT_EQ(static_cast<int64_t>(s.size()), e.cycles) << what;
    EXPECT_EQ(ArchLayerScheduleCycles(m, tokens), e.cycles) << what;
    EXPECT_EQ(std::count_if(s.begin(), s.end(), [](const CycleInput& in) { return in.wr_en; }), e.tiles * 8) << what;
    EXPECT_EQ(std::count_if(s.begin(), s.end(), [](const CycleInput& in) { return in.in_valid; }), e.tiles * tokens)
        << what;
    const std::vector<int32_t> y = RunArchScheduleOnCycleModel(m, tokens, s);
    for (int t = 0; t < tokens; ++t) {
      const std::vector<int32_t> xt(x.begin() + t * l.in_features, x.begin() + (t + 1) * l.in_features);
      const std::vector<int32_t> yt(y.begin() + t * l.out_features, y.begin() + (t + 1) * l.out_features);
      EXPECT_EQ(yt, MaskedLayerGemv(l, xt)) << what << " token " << t;
    }
  }
}

TEST(ArchLayerSchedule, AScheduleCutBeforeItsLastOutputIsRefused) {
  RandomValues rv(3);
  const LayerWeights l = OnePerPairLayer(rv);
  const MacroConfig c = MacroConfig::Create({.subs = 2, .rows = 4, .cols = 4, .sel_group = 1, .a_bits = 8, .w_bits = 8});
  const ArchMappedLayer m = MapArchLayer(Arch::kDense, c, {1, 2}, l, "0.wq");
  std::vector<int32_t> x(20);
  std::vector<CycleInput> s = ScheduleArchLayer(m, x, 1);
  s.resize(s.size() - 2);  // the last vector's output comes on the step of its L-1-th idle edge
  EXPECT_EQ(testing::ErrorOf([&] { RunArchScheduleOnCycleModel(m, 1, s); }),
            "layer outputs: 2 valid outputs, the schedule delivers 3 (tiles x tokens)");
}

}  // namespace
}  // namespace flexcim::golden
