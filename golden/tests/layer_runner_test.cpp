#include "golden/layer_runner.h"

#include <gtest/gtest.h>

#include "golden/cycle_model.h"
#include "golden/reference_model.h"
#include "golden/tests/random_layer.h"
#include "golden/tests/test_util.h"

namespace flexcim::golden {
namespace {

using testing::ErrorOf;
using testing::RandomValues;

std::vector<int32_t> RandomActivations(int count, int a_bits, RandomValues& rv) {
  std::vector<int32_t> x(static_cast<size_t>(count));
  for (auto& v : x) v = rv.Signed(a_bits);
  return x;
}

struct Case {
  MacroConfig config;
  NmPattern pattern;
  int out, in;
};

// RunLayerOnMacro (golden compute per tile, 32-bit accumulation along K)
// equals the plain GEMV of the masked weights, and the fast batch path
// equals both.
void ExpectLayerMatchesGemv(const Case& t, bool legal_for_g, RandomValues& rv) {
  const NmPattern hw = t.pattern.Hardware();
  LayerWeights l = testing::RandomWeights(t.out, t.in, t.config.w_bits(), rv);
  if (t.pattern.dense()) {
    std::fill(l.keep.begin(), l.keep.end(), 1);
  } else if (legal_for_g) {
    testing::LegalMask(l, hw, t.config.sel_group(), rv);
  } else {
    testing::FreeMask(l, hw, rv);
  }
  const TiledLayer tiled = EncodeLayer(t.config, t.pattern, l);
  const std::string what = t.config.Name() + " " + t.pattern.ToString() + " " +
                           std::to_string(t.out) + "x" + std::to_string(t.in);
  const int tokens = 3;
  const std::vector<int32_t> x = RandomActivations(tokens * t.in, t.config.a_bits(), rv);
  std::vector<int32_t> want;
  for (int tok = 0; tok < tokens; ++tok) {
    const std::vector<int32_t> one(x.begin() + tok * t.in, x.begin() + (tok + 1) * t.in);
    const std::vector<int32_t> y = MaskedLayerGemv(l, one);
    ASSERT_EQ(RunLayerOnMacro(tiled, one), y) << what;
    want.insert(want.end(), y.begin(), y.end());
  }
  EXPECT_EQ(RunLayerOnMacroBatch(tiled, x, tokens, LayerEngine::kFast), want) << what;
  EXPECT_EQ(RunLayerOnMacroBatch(tiled, x, tokens, LayerEngine::kReference), want) << what;
}

TEST(RunLayerOnMacro, FreeMasksOnSelectGroupOneEqualPlainGemv) {
  RandomValues rv(17);
  const MacroConfig g1 = MacroConfig::Create({.subs = 4, .rows = 4, .cols = 4, .sel_group = 1, .a_bits = 8, .w_bits = 8});
  const MacroConfig g1_wide = MacroConfig::Create({.subs = 8, .rows = 4, .cols = 4, .sel_group = 1, .a_bits = 6, .w_bits = 7});
  for (const Case& c : std::vector<Case>{
           {g1, {1, 2}, 13, 37},
           {g1, {2, 4}, 9, 50},
           {g1, {1, 4}, 20, 33},
           {g1, {4, 8}, 11, 172},
           {g1, {2, 8}, 30, 172},
           {g1, {4, 4}, 7, 21},
           {g1, {8, 8}, 7, 19},
           {g1_wide, {8, 16}, 9, 100},
           {g1_wide, {4, 16}, 33, 65},
           {MacroConfig::Create({.subs = 1, .rows = 4, .cols = 2, .sel_group = 1, .a_bits = 8, .w_bits = 8}), {1, 2}, 5, 23},
           {MacroConfig::Create({.subs = 16, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 8, .w_bits = 8}), {16, 32}, 3, 70},
       }) {
    for (int rep = 0; rep < 3; ++rep) ExpectLayerMatchesGemv(c, false, rv);
  }
}

TEST(RunLayerOnMacro, LegalMasksForLargerSelectGroupsEqualPlainGemv) {
  RandomValues rv(23);
  const MacroConfig d = MacroConfig::Default();  // G = C = 16
  const MacroConfig g2 = MacroConfig::Create({.subs = 4, .rows = 8, .cols = 8, .sel_group = 2, .a_bits = 8, .w_bits = 8});
  const MacroConfig g4 = MacroConfig::Create({.subs = 8, .rows = 4, .cols = 4, .sel_group = 4, .a_bits = 8, .w_bits = 8});
  const MacroConfig p2 = MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 8, .w_bits = 8});
  for (const Case& c : std::vector<Case>{
           {d, {1, 2}, 40, 100},
           {d, {2, 4}, 40, 200},
           {d, {1, 4}, 70, 90},
           {d, {4, 8}, 33, 172},
           {d, {2, 8}, 48, 172},
           {d, {4, 4}, 17, 45},
           {d, {8, 8}, 17, 45},
           {g2, {2, 4}, 21, 44},
           {g2, {4, 8}, 19, 172},
           {g2, {1, 4}, 24, 30},
           {g4, {4, 8}, 10, 172},
           {g4, {8, 16}, 9, 100},
           {g4, {2, 16}, 30, 99},
           {p2, {1, 2}, 5, 9},
           {p2, {2, 4}, 6, 11},
           {p2, {1, 4}, 7, 13},
           {p2, {2, 2}, 3, 5},
           {MacroConfig::Create({.subs = 1, .rows = 4, .cols = 4, .sel_group = 2, .a_bits = 8, .w_bits = 8}), {1, 2}, 9, 17},
           {MacroConfig::Create({.subs = 4, .rows = 4, .cols = 16, .sel_group = 16, .a_bits = 16, .w_bits = 16}), {2, 8}, 40, 172},
       }) {
    for (int rep = 0; rep < 3; ++rep) ExpectLayerMatchesGemv(c, true, rv);
  }
}

TEST(RunLayerOnMacro, AccumulatesInThirtyTwoBitsWithWraparound) {
  // A = W = 16, 1:2, K = 64 (16 tiles along K): 32 products of 32767^2.
  const MacroConfig c = MacroConfig::Create({.subs = 2, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 16, .w_bits = 16});
  LayerWeights l{1, 64, std::vector<int32_t>(64, 32767), std::vector<uint8_t>(64, 0)};
  for (int i = 0; i < 64; i += 2) l.keep[i] = 1;
  const TiledLayer t = EncodeLayer(c, {1, 2}, l);
  EXPECT_EQ(t.k_tiles, 16);
  // 32 * 32767^2 = 34357641248 = 8 * 2^32 - 2097120.
  EXPECT_EQ(RunLayerOnMacro(t, std::vector<int32_t>(64, 32767)), (std::vector<int32_t>{-2097120}));
  EXPECT_EQ(MaskedLayerGemv(l, std::vector<int32_t>(64, 32767)), (std::vector<int32_t>{-2097120}));
  std::fill(l.weights.begin(), l.weights.end(), -32768);
  // 32 * 2^30 = 2^35 = 0 mod 2^32.
  EXPECT_EQ(RunLayerOnMacro(EncodeLayer(c, {1, 2}, l), std::vector<int32_t>(64, -32768)),
            (std::vector<int32_t>{0}));
}

TEST(LayerActivationsToWindows, GroupActivationsThenZeros) {
  const MacroConfig c = MacroConfig::Create({.subs = 2, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 8, .w_bits = 8});
  LayerWeights l{1, 3, {1, 1, 1}, {1, 0, 1}};
  const TiledLayer t12 = EncodeLayer(c, {1, 2}, l);  // M = 2: 4 inputs per tile
  EXPECT_EQ(LayerActivationsToWindows(t12, 0, {1, 2, 3}),
            (std::vector<int32_t>{1, 2, 0, 0, 3, 0, 0, 0}));
  LayerWeights l5{1, 5, {1, 1, 1, 1, 1}, {1, 0, 1, 0, 1}};
  const TiledLayer t24 = EncodeLayer(c, {2, 4}, l5);  // M = 4 = 2P
  EXPECT_EQ(LayerActivationsToWindows(t24, 0, {1, 2, 3, 4, 5}),
            (std::vector<int32_t>{1, 2, 3, 4, 5, 0, 0, 0}));
  EXPECT_EQ(ErrorOf([&] {
              LayerActivationsToWindows(t12, 0, {1, 2});
            }),
            "layer activations: 2 values, must be K = 3");
  EXPECT_EQ(ErrorOf([&] {
              LayerActivationsToWindows(t12, 0, {1, 128, 3});
            }),
            "layer activation x[1] 128: must be in [-128, 127] for A = 8");
  EXPECT_EQ(ErrorOf([&] {
              LayerActivationsToWindows(t12, 1, {1, 2, 3});
            }),
            "k_tile 1: must be in [0, 0] for this layer");
}

TEST(LayerCycles, LoadPlusTokensPlusLatencyPerTile) {
  const MacroConfig d = MacroConfig::Default();
  RandomValues rv(3);
  LayerWeights l = testing::RandomWeights(40, 200, 8, rv);
  testing::LegalMask(l, {2, 4}, 16, rv);
  const TiledLayer t = EncodeLayer(d, {2, 4}, l);
  ASSERT_EQ(t.tiles.size(), 8u);
  // Per tile: P*R = 64 row writes, Lw - 1 = 2 cycles while the last is in
  // flight (FLEXCIM.md 5b), the tokens, L = 7.
  EXPECT_EQ(LayerCycles(d, t, 10), 8 * (64 + 2 + 10 + 7));
  EXPECT_EQ(LayerCycles(d, t, 0), 8 * (64 + 2 + 7));
  EXPECT_EQ(LayerCycles(d, 3, 100), 3 * (64 + 2 + 100 + 7));
  EXPECT_EQ(ErrorOf([&] { LayerCycles(MacroConfig::Create({.subs = 4, .rows = 16, .cols = 16, .sel_group = 1, .a_bits = 8, .w_bits = 8}), t, 1); }),
            "LayerCycles: layer mapped for p4_r16_c16_g16_a8_w8, asked for p4_r16_c16_g1_a8_w8");
}

// One tile driven through the cycle model cycle by cycle: rows written in
// cycles 0..P*R-1, Lw - 1 idle cycles, tokens in P*R+Lw-1..P*R+Lw-1+tokens-1,
// the last output valid in cycle P*R + Lw - 1 + tokens - 1 + L (returned by the Step of the cycle before it),
// i.e. the tile takes exactly LayerCycles(config, 1, tokens) cycles
// (0 .. that cycle), and the outputs are right.
TEST(LayerCycles, MatchesTheCycleModelForOneTile) {
  const MacroConfig c = MacroConfig::Create({.subs = 4, .rows = 4, .cols = 4, .sel_group = 2, .a_bits = 8, .w_bits = 8});
  RandomValues rv(9);
  LayerWeights l = testing::RandomWeights(8, 16, 8, rv);
  testing::LegalMask(l, {2, 4}, 2, rv);
  const TiledLayer t = EncodeLayer(c, {2, 4}, l);
  ASSERT_EQ(t.tiles.size(), 1u);
  const MacroStorage& s = t.tiles[0].storage;
  const int tokens = 5;
  CycleModel m(c);
  int64_t last_output_edge = -1;
  int outputs = 0;
  std::vector<std::vector<int32_t>> x;
  auto step = [&](const CycleInput& in) {
    const CycleOutput out = m.Step(in);
    if (out.valid) {
      const std::vector<int32_t> y = MaskedLayerGemv(l, x[out.vector_index]);
      for (int o = 0; o < 8; ++o) EXPECT_EQ(out.data[o], y[o]) << "token " << out.vector_index;
      last_output_edge = m.cycle() - 1;  // the Step's cycle; valid in the next one
      ++outputs;
    }
  };
  for (int k = 0; k < c.subs(); ++k) {
    for (int r = 0; r < c.rows(); ++r) {
      CycleInput in;
      in.wr_en = true;
      in.wr_sub = k;
      in.wr_row = r;
      for (int col = 0; col < c.cols(); ++col) {
        in.wr_w.push_back(s.weight(k, r, col));
        in.wr_e.push_back(static_cast<uint8_t>(s.element(k, r, col)));
      }
      for (int q = 0; q < c.select_groups(); ++q) in.wr_sel.push_back(s.select(k, r, q));
      step(in);
    }
  }
  for (int i = 1; i < c.write_latency(); ++i) step(CycleInput{});  // the last write in flight
  for (int tok = 0; tok < tokens; ++tok) {
    x.push_back(RandomActivations(16, 8, rv));
    CycleInput in;
    in.in_valid = true;
    in.in_nlog2 = t.nlog2();
    in.in_act = LayerActivationsToWindows(t, 0, x.back());
    step(in);
  }
  while (outputs < tokens) step(CycleInput{});
  EXPECT_EQ(last_output_edge + 1, 16 + 2 + tokens - 1 + c.pipeline_latency());  // output cycle
  EXPECT_EQ(last_output_edge + 2, LayerCycles(c, 1, tokens));
}

}  // namespace
}  // namespace flexcim::golden
