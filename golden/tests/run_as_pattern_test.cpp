#include "golden/run_as_pattern.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "golden/layer_runner.h"
#include "golden/tests/random_layer.h"
#include "golden/tests/test_util.h"

namespace flexcim::golden {
namespace {

using testing::ErrorOf;
using testing::RandomValues;

MacroConfig Config(int subs, int rows, int cols, int sel_group) {
  MacroParams p;
  p.subs = subs;
  p.rows = rows;
  p.cols = cols;
  p.sel_group = sel_group;
  return MacroConfig::Create(p);
}

TEST(RunAsPattern, EquivalentsDoubleNAndMWhileTheMacroRunsThem) {
  const MacroConfig c = MacroConfig::Default();  // P = 4: M up to 8, N up to 4
  EXPECT_EQ(EquivalentPatterns(c, {1, 2}), (std::vector<NmPattern>{{1, 2}, {2, 4}, {4, 8}}));
  EXPECT_EQ(EquivalentPatterns(c, {2, 4}), (std::vector<NmPattern>{{2, 4}, {4, 8}}));
  EXPECT_EQ(EquivalentPatterns(c, {1, 4}), (std::vector<NmPattern>{{1, 4}, {2, 8}}));
  EXPECT_EQ(EquivalentPatterns(c, {1, 8}), (std::vector<NmPattern>{{1, 8}}));
  EXPECT_EQ(EquivalentPatterns(c, {4, 8}), (std::vector<NmPattern>{{4, 8}}));
  EXPECT_EQ(EquivalentPatterns(c, {8, 8}), (std::vector<NmPattern>{{2, 2}}));  // dense runs as 2:2
  EXPECT_EQ(EquivalentPatterns(Config(2, 4, 4, 4), {1, 2}), (std::vector<NmPattern>{{1, 2}, {2, 4}}));
  EXPECT_EQ(ErrorOf([&] { EquivalentPatterns(c, {1, 16}); }),
            "pattern 1:16: macro p4_r16_c16_g16_a8_w8 cannot run it (it runs N:M with M in {2..8}, N in {1..4}, "
            "both powers of two, N <= M; N = M runs as 2:2)");
}

TEST(RunAsPattern, PoliciesOnTheShapesOfStories15M) {
  const MacroConfig c = MacroConfig::Default();
  // 288 x 288 (wq): 1:2 and 2:4 need 45 tiles, 4:8 needs 3 x 18 = 54.
  EXPECT_EQ(LayerTileGrid(c, {1, 2}, 288, 288).count(), 45);
  EXPECT_EQ(LayerTileGrid(c, {2, 4}, 288, 288).count(), 45);
  EXPECT_EQ(LayerTileGrid(c, {4, 8}, 288, 288).count(), 54);
  EXPECT_EQ(ChooseRunAsPattern(RunAsPolicy::kPruned, c, {1, 2}, 288, 288), (NmPattern{1, 2}));
  EXPECT_EQ(ChooseRunAsPattern(RunAsPolicy::kFewestTiles, c, {1, 2}, 288, 288), (NmPattern{2, 4}));
  EXPECT_EQ(ChooseRunAsPattern(RunAsPolicy::kWidest, c, {1, 2}, 288, 288), (NmPattern{4, 8}));
  // 288 x 768 (w2): 1:2 24 x 5 = 120, 2:4 12 x 9 = 108, 4:8 6 x 18 = 108.
  EXPECT_EQ(LayerTileGrid(c, {1, 2}, 288, 768).count(), 120);
  EXPECT_EQ(LayerTileGrid(c, {2, 4}, 288, 768).count(), 108);
  EXPECT_EQ(LayerTileGrid(c, {4, 8}, 288, 768).count(), 108);
  EXPECT_EQ(ChooseRunAsPattern(RunAsPolicy::kFewestTiles, c, {1, 2}, 288, 768), (NmPattern{4, 8}));
  // 768 x 288 (w1): 1:2 9 x 12 = 108, 2:4 5 x 24 = 120, 4:8 3 x 48 = 144.
  EXPECT_EQ(LayerTileGrid(c, {1, 2}, 768, 288).count(), 108);
  EXPECT_EQ(LayerTileGrid(c, {2, 4}, 768, 288).count(), 120);
  EXPECT_EQ(LayerTileGrid(c, {4, 8}, 768, 288).count(), 144);
  EXPECT_EQ(ChooseRunAsPattern(RunAsPolicy::kFewestTiles, c, {1, 2}, 768, 288), (NmPattern{1, 2}));
  EXPECT_EQ(ChooseRunAsPattern(RunAsPolicy::kWidest, c, {1, 8}, 768, 288), (NmPattern{1, 8}));
  EXPECT_EQ(ChooseRunAsPattern(RunAsPolicy::kWidest, c, {8, 8}, 768, 288), (NmPattern{2, 2}));
}

TEST(RunAsPattern, PolicyNames) {
  EXPECT_EQ(ParseRunAsPolicy("fewest-tiles"), RunAsPolicy::kFewestTiles);
  EXPECT_EQ(RunAsPolicyName(ParseRunAsPolicy("widest")), "widest");
  EXPECT_EQ(ErrorOf([] { ParseRunAsPolicy("fastest"); }),
            "--flexcim-run-as fastest: must be one of pruned, fewest-tiles, widest");
}

// Property: a mask legal for N:M at select group G is legal for every
// equivalent pattern, and the macro programmed with it computes the layer's
// GEMV exactly.
TEST(RunAsPattern, EveryEquivalentRunsTheSameLayerBitExactly) {
  RandomValues rv(20261207);
  int widened = 0;  // cases run as a pattern other than their own
  for (int trial = 0; trial < 200; ++trial) {
    const int subs = 1 << rv.Uniform(0, 3), cols = 1 << rv.Uniform(0, 3);
    const MacroConfig c = Config(subs, 1 << rv.Uniform(1, 3), cols, 1 << rv.Uniform(0, __builtin_ctz(cols)));
    const std::vector<NmPattern> supported = SupportedPatterns(c);
    const NmPattern pattern = supported[rv.Uniform(0, static_cast<int64_t>(supported.size()) - 1)];
    const int out = static_cast<int>(rv.Uniform(1, 40)), in = static_cast<int>(rv.Uniform(1, 70));
    LayerWeights layer = testing::RandomWeights(out, in, c.w_bits(), rv);
    testing::LegalMask(layer, pattern.Hardware(), c.sel_group(), rv);
    std::vector<int32_t> x(static_cast<size_t>(2) * in);
    for (auto& v : x) v = rv.Signed(c.a_bits());
    std::vector<int32_t> expected = MaskedLayerGemv(layer, std::vector<int32_t>(x.begin(), x.begin() + in));
    const std::vector<int32_t> second = MaskedLayerGemv(layer, std::vector<int32_t>(x.begin() + in, x.end()));
    expected.insert(expected.end(), second.begin(), second.end());
    for (const NmPattern& p : EquivalentPatterns(c, pattern)) {
      const TiledLayer tiled = EncodeLayer(c, p, layer);
      EXPECT_EQ(tiled.pattern, p);
      widened += p != pattern.Hardware();
      EXPECT_EQ(RunLayerOnMacroBatch(tiled, x, 2), expected)
          << "trial " << trial << " " << c.Name() << " " << pattern.ToString() << " as " << p.ToString();
    }
  }
  EXPECT_GE(widened, 40);
}

}  // namespace
}  // namespace flexcim::golden
