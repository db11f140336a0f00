#include "golden/arch_mapping.h"

#include <gtest/gtest.h>

#include "golden/layer_runner.h"
#include "golden/tests/random_layer.h"
#include "golden/tests/test_util.h"

namespace flexcim::golden {
namespace {

using testing::ErrorOf;
using testing::RandomValues;

const Arch kArchs[] = {Arch::kFlexcim, Arch::kDense, Arch::kSparse12};

std::vector<int32_t> RandomActivations(int count, int a_bits, RandomValues& rv) {
  std::vector<int32_t> x(static_cast<size_t>(count));
  for (auto& v : x) v = rv.Signed(a_bits);
  return x;
}

// Every architecture's mapping equals the plain GEMV of the masked weights,
// and its tile count is the shape-only plan's when the mode is the same.
void ExpectEveryArchEqualsGemv(const MacroConfig& c, const NmPattern& p, const LayerWeights& l,
                               RandomValues& rv) {
  for (Arch arch : kArchs) {
    const ArchMappedLayer m = MapArchLayer(arch, c, p, l, "t.w");
    const std::string what = ArchName(arch) + " " + c.Name() + " " + p.ToString() + " " +
                             std::to_string(l.out_features) + "x" + std::to_string(l.in_features);
    EXPECT_EQ(static_cast<int64_t>(arch == Arch::kFlexcim ? m.flexcim->tiles.size() : m.baseline_tiles.size()),
              m.tiles())
        << what;
    for (int tok = 0; tok < 3; ++tok) {
      const std::vector<int32_t> x = RandomActivations(l.in_features, c.a_bits(), rv);
      ASSERT_EQ(RunArchLayer(m, x), MaskedLayerGemv(l, x)) << what;
    }
  }
}

TEST(ArchMapping, EveryArchEqualsGemvOnRandomLegalLayers) {
  RandomValues rv(91);
  const MacroConfig configs[] = {MacroConfig::Create({.subs = 4, .rows = 4, .cols = 4, .sel_group = 4, .a_bits = 8, .w_bits = 8}), MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 1, .a_bits = 4, .w_bits = 5}),
                                 MacroConfig::Create({.subs = 8, .rows = 2, .cols = 4, .sel_group = 2, .a_bits = 6, .w_bits = 6})};
  for (const MacroConfig& c : configs) {
    for (const NmPattern& p : SupportedPatterns(c)) {
      for (auto [out, in] : {std::pair{5, 13}, std::pair{16, 32}, std::pair{9, 40}}) {
        LayerWeights l = testing::RandomWeights(out, in, c.w_bits(), rv);
        if (p.dense()) {
          std::fill(l.keep.begin(), l.keep.end(), 1);
        } else {
          testing::LegalMask(l, p.Hardware(), c.sel_group(), rv);
        }
        ExpectEveryArchEqualsGemv(c, p, l, rv);
      }
    }
  }
}

TEST(ArchMapping, Sparse12IsNativeOnlyWhenNoPairKeepsBoth) {
  const MacroConfig c = MacroConfig::Create({.subs = 2, .rows = 4, .cols = 4, .sel_group = 1, .a_bits = 8, .w_bits = 8});  // P*R = 8 rows, G = 1
  LayerWeights l{2, 20, std::vector<int32_t>(40, 3), std::vector<uint8_t>(40, 0)};
  for (int o = 0; o < 2; ++o)
    for (int i = 0; i < 20; i += 2) l.keep[o * 20 + i + (o + i / 2) % 2] = 1;  // one per pair
  ArchLayerPlan plan = PlanArchLayer(Arch::kSparse12, c, {1, 2}, l, "0.wq");
  EXPECT_EQ(plan.mode, ArchMode::kSparse12Native);
  EXPECT_EQ(plan.inputs_per_tile, 16);
  EXPECT_EQ(plan.k_tiles, 2);  // 20 inputs over 16 per tile
  EXPECT_EQ(plan.o_tiles, 1);
  EXPECT_EQ(plan.ModeText(), "1:2 native");
  l.keep[1 * 20 + 4] = l.keep[1 * 20 + 5] = 0;
  l.keep[1 * 20 + 6] = l.keep[1 * 20 + 7] = 1;  // output 1 keeps both of pair 3, none of pair 2
  plan = PlanArchLayer(Arch::kSparse12, c, {2, 4}, l, "0.wq");
  EXPECT_EQ(plan.mode, ArchMode::kSparse12DenseMode);
  EXPECT_EQ(plan.inputs_per_tile, 8);
  EXPECT_EQ(plan.k_tiles, 3);
  EXPECT_EQ(plan.ModeText(), "dense mode");
  RandomValues rv(5);
  ExpectEveryArchEqualsGemv(c, {2, 4}, l, rv);
}

TEST(ArchMapping, ShapeOnlyPlansCountTiles) {
  const MacroConfig c = MacroConfig::Default();  // P=4 R=16 C=16
  // 4096 x 11008 at 2:8: R*M = 128 inputs, (P/N)*C = 32 outputs per tile.
  ArchLayerPlan f = PlanArchLayer(Arch::kFlexcim, c, {2, 8}, 4096, 11008, "0.w2");
  EXPECT_EQ(f.k_tiles, 86);
  EXPECT_EQ(f.o_tiles, 128);
  EXPECT_EQ(f.tiles(), 86 * 128);
  EXPECT_EQ(f.ModeText(), "2:8 as 2:8");
  const ArchLayerPlan d = PlanArchLayer(Arch::kDense, c, {2, 8}, 4096, 11008, "0.w2");
  EXPECT_EQ(d.tiles(), 172 * 256);  // 64 inputs x 16 outputs
  EXPECT_EQ(PlanArchLayer(Arch::kSparse12, c, {1, 4}, 4096, 11008, "0.w2").tiles(), 86 * 256);
  EXPECT_EQ(PlanArchLayer(Arch::kSparse12, c, {2, 4}, 4096, 11008, "0.w2").tiles(), 172 * 256);
  EXPECT_EQ(PlanArchLayer(Arch::kFlexcim, c, {4, 4}, 64, 64, "0.wq").ModeText(), "4:4 as 2:2");
}

TEST(ArchMapping, PatternAnArchCannotRunNamesLayerPatternAndSupportedSet) {
  const MacroConfig c = MacroConfig::Default();
  EXPECT_EQ(ErrorOf([&] { PlanArchLayer(Arch::kFlexcim, c, {1, 16}, 64, 64, "3.w1"); }),
            "layer 3.w1: pattern 1:16 does not run on flexcim p4_r16_c16_g16_a8_w8 (supported: 1:2, 2:2, "
            "1:4, 2:4, 4:4, 1:8, 2:8, 4:8, 8:8; N = M runs as 2:2)");
  EXPECT_EQ(ErrorOf([&] { PlanArchLayer(Arch::kDense, c, {3, 2}, 64, 64, "0.wq"); }),
            "layer 0.wq: pattern 3:2 does not run on dense p4_r16_c16_a8_w8 (supported: every N:M, run as "
            "dense)");
  EXPECT_EQ(PlanArchLayer(Arch::kSparse12, c, {1, 16}, 64, 64, "3.w1").mode, ArchMode::kSparse12Native);
}

TEST(MacroTiming, RowBitsAndTimingPerArchitecture) {
  const MacroConfig c = MacroConfig::Default();
  const MacroTiming f = MacroTiming::For(Arch::kFlexcim, c);
  EXPECT_EQ(f.tile_load_cycles, 64);
  EXPECT_EQ(f.pipeline_latency, c.pipeline_latency());
  EXPECT_EQ(f.row_bits, 16 * 9 + 1 * 2);  // C*(W+1) + (C/G)*SB
  EXPECT_EQ(MacroTiming::For(Arch::kDense, c).row_bits, 128);
  EXPECT_EQ(MacroTiming::For(Arch::kSparse12, c).row_bits, 144);
  EXPECT_EQ(MacroTiming::For(Arch::kDense, c).tile_load_cycles, 64);
  EXPECT_EQ(MacroTiming::For(Arch::kSparse12, c).cells, 1024);
}

}  // namespace
}  // namespace flexcim::golden
