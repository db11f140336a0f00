#include "golden/tile_mapping.h"

#include <gtest/gtest.h>

#include "golden/tests/random_layer.h"
#include "golden/tests/test_util.h"

namespace flexcim::golden {
namespace {

using testing::ErrorOf;
using testing::RandomValues;

LayerWeights Layer(int out, int in, std::vector<int32_t> w, std::vector<uint8_t> keep) {
  return LayerWeights{out, in, std::move(w), std::move(keep)};
}

struct Cell {
  int s, e;
  int32_t w;
  bool operator==(const Cell&) const = default;
};
Cell At(const MacroStorage& st, int k, int r, int c) {
  return {st.select(k, r, c / st.config().sel_group()), st.element(k, r, c), st.weight(k, r, c)};
}
std::ostream& operator<<(std::ostream& os, const Cell& c) {
  return os << "{s " << c.s << ", e " << c.e << ", w " << c.w << "}";
}

TEST(EncodeLayer, SlotsOrderedByPairThenElementByHand) {
  // P=2, R=2, C=1, 2:4: one output block of sub-macros 0 and 1, 8 inputs per tile.
  const MacroConfig c = MacroConfig::Create({.subs = 2, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 8, .w_bits = 8});
  const std::vector<int32_t> w = {1, 2, 3, 4, 5, 6, 7, 8};
  {
    // Group 0 keeps inputs 1 (pair 0, e 1) and 2 (pair 1, e 0); group 1 keeps 4.
    const TiledLayer t = EncodeLayer(c, {2, 4}, Layer(1, 8, w, {0, 1, 1, 0, 1, 0, 0, 0}));
    ASSERT_EQ(t.tiles.size(), 1u);
    const MacroStorage& s = t.tiles[0].storage;
    EXPECT_EQ(At(s, 0, 0, 0), (Cell{0, 1, 2}));
    EXPECT_EQ(At(s, 1, 0, 0), (Cell{1, 0, 3}));
    EXPECT_EQ(At(s, 0, 1, 0), (Cell{0, 0, 5}));  // used (pair 0, e 0) before unused
    EXPECT_EQ(At(s, 1, 1, 0), (Cell{0, 0, 0}));  // unused: pair 0, e 0, weight 0
  }
  {
    // Group 0 keeps only input 3 (pair 1, e 1): the unused slot (pair 0) sorts first.
    // Group 1 keeps 6 and 7: pair 1 twice, e 0 then e 1.
    const TiledLayer t = EncodeLayer(c, {2, 4}, Layer(1, 8, w, {0, 0, 0, 1, 0, 0, 1, 1}));
    const MacroStorage& s = t.tiles[0].storage;
    EXPECT_EQ(At(s, 0, 0, 0), (Cell{0, 0, 0}));
    EXPECT_EQ(At(s, 1, 0, 0), (Cell{1, 1, 4}));
    EXPECT_EQ(At(s, 0, 1, 0), (Cell{1, 0, 7}));
    EXPECT_EQ(At(s, 1, 1, 0), (Cell{1, 1, 8}));
  }
}

TEST(EncodeLayer, SelectGroupSharesPairsElementsPerOutput) {
  // P=2, R=2, C=2, G=2, 2:4; K = 4 pads to one tile of 8 inputs (group 1 is padding).
  const MacroConfig c = MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 8, .w_bits = 8});
  const LayerWeights l = Layer(2, 4, {10, 11, 12, 13, 20, 21, 22, 23}, {0, 1, 1, 0, 1, 0, 0, 1});
  const TiledLayer t = EncodeLayer(c, {2, 4}, l);
  EXPECT_EQ(t.k_tiles, 1);
  EXPECT_EQ(t.o_tiles, 1);
  const MacroTile& tile = t.tiles[0];
  EXPECT_EQ(tile.in_begin, 0);
  EXPECT_EQ(tile.in_end, 4);
  EXPECT_EQ(tile.out_begin, 0);
  EXPECT_EQ(tile.out_end, 2);
  const MacroStorage& s = tile.storage;
  EXPECT_EQ(At(s, 0, 0, 0), (Cell{0, 1, 11}));  // slot (pair 0, e of output 0 = 1)
  EXPECT_EQ(At(s, 0, 0, 1), (Cell{0, 0, 20}));
  EXPECT_EQ(At(s, 1, 0, 0), (Cell{1, 0, 12}));  // slot (pair 1, e 0)
  EXPECT_EQ(At(s, 1, 0, 1), (Cell{1, 1, 23}));
  for (int k = 0; k < 2; ++k) {
    for (int col = 0; col < 2; ++col) EXPECT_EQ(At(s, k, 1, col), (Cell{0, 0, 0}));
  }
}

TEST(EncodeLayer, TileGridAndRanges) {
  // Default macro, 2:4: tiles of R*M = 64 inputs and (P/N)*C = 32 outputs.
  const MacroConfig c = MacroConfig::Default();
  RandomValues rv(5);
  LayerWeights l = testing::RandomWeights(40, 200, 8, rv);
  testing::LegalMask(l, {2, 4}, 16, rv);
  const TiledLayer t = EncodeLayer(c, {2, 4}, l);
  EXPECT_EQ(t.k_tiles, 4);
  EXPECT_EQ(t.o_tiles, 2);
  EXPECT_EQ(t.nlog2(), 1);
  ASSERT_EQ(t.tiles.size(), 8u);
  const MacroTile& last = t.tile(1, 3);
  EXPECT_EQ(last.k_tile, 3);
  EXPECT_EQ(last.o_tile, 1);
  EXPECT_EQ(last.in_begin, 192);
  EXPECT_EQ(last.in_end, 200);
  EXPECT_EQ(last.out_begin, 32);
  EXPECT_EQ(last.out_end, 40);
  // Dense runs as 2:2: tiles of 32 inputs and 2*16 outputs.
  LayerWeights d = testing::RandomWeights(40, 200, 8, rv);
  std::fill(d.keep.begin(), d.keep.end(), 1);
  const TiledLayer td = EncodeLayer(c, {8, 8}, d);
  EXPECT_EQ(td.pattern, (NmPattern{2, 2}));
  EXPECT_EQ(td.k_tiles, 7);
  EXPECT_EQ(td.o_tiles, 2);
  // LayerTileGrid (what --prioritize latency counts) is the encoder's grid.
  EXPECT_EQ(LayerTileGrid(c, {2, 4}, 40, 200).k_tiles, 4);
  EXPECT_EQ(LayerTileGrid(c, {2, 4}, 40, 200).o_tiles, 2);
  EXPECT_EQ(LayerTileGrid(c, {2, 4}, 40, 200).count(), 8);
  EXPECT_EQ(LayerTileGrid(c, {8, 8}, 40, 200).count(), 14);
  EXPECT_THROW(LayerTileGrid(c, {2, 16}, 40, 200), UsageError);
  EXPECT_THROW(LayerTileGrid(c, {2, 4}, 0, 200), UsageError);
}

TEST(EncodeLayer, CanonicalEncodeTwiceGivesIdenticalBits) {
  RandomValues rv(11);
  const MacroConfig c = MacroConfig::Create({.subs = 4, .rows = 4, .cols = 8, .sel_group = 4, .a_bits = 8, .w_bits = 8});
  for (const NmPattern p : {NmPattern{2, 8}, NmPattern{1, 4}, NmPattern{4, 8}}) {
    LayerWeights l = testing::RandomWeights(37, 172, 8, rv);
    testing::LegalMask(l, p, 4, rv);
    const TiledLayer a = EncodeLayer(c, p, l);
    const TiledLayer b = EncodeLayer(c, p, l);
    EXPECT_TRUE(a == b) << p.ToString();
    // Junk in pruned positions does not change a single bit.
    LayerWeights junk = l;
    for (size_t i = 0; i < junk.weights.size(); ++i) {
      if (!junk.keep[i]) junk.weights[i] = rv.Signed(8);
    }
    EXPECT_TRUE(EncodeLayer(c, p, junk) == a) << p.ToString();
  }
}

TEST(EncodeLayer, IllegalMaskForSelectGroupThrowsExactMessage) {
  // G = C = 2: outputs 0 and 1 need pair 0 twice (output 1) and pair 1 once.
  const MacroConfig c = MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 8, .w_bits = 8});
  const LayerWeights l = Layer(2, 4, std::vector<int32_t>(8, 1), {1, 0, 1, 0, 1, 1, 0, 0});
  const std::string want =
      "mask not legal for select group G = 2: layer rows 0..1, input group 0 (inputs 0..3) need 3 "
      "slots (max kept per pair, summed over pairs), N:M 2:4 has N = 2";
  EXPECT_EQ(ErrorOf([&] { EncodeLayer(c, {2, 4}, l); }), want);
  EXPECT_EQ(ErrorOf([&] { RequireLegalMask(c, {2, 4}, l); }), want);
  // The same mask is legal for G = 1.
  EXPECT_NO_THROW(EncodeLayer(MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 1, .a_bits = 8, .w_bits = 8}), {2, 4}, l));
}

TEST(EncodeLayer, IllegalMaskInAPaddedGroupOfTheDefaultMacro) {
  // Default macro (G = C = 16), 2:8, K = 172: group 21 holds inputs 168..171.
  LayerWeights l{20, 172, std::vector<int32_t>(20 * 172, 3), std::vector<uint8_t>(20 * 172, 0)};
  l.keep[17 * 172 + 168] = 1;  // pair 0
  l.keep[17 * 172 + 170] = 1;  // pair 1
  l.keep[18 * 172 + 168] = 1;  // pair 0 twice
  l.keep[18 * 172 + 169] = 1;
  EXPECT_EQ(ErrorOf([&] {
              EncodeLayer(MacroConfig::Default(), {2, 8}, l);
            }),
            "mask not legal for select group G = 16: layer rows 16..19, input group 21 (inputs "
            "168..171) need 3 slots (max kept per pair, summed over pairs), N:M 2:8 has N = 2");
}

TEST(EncodeLayer, RejectsBadLayersWithExactMessages) {
  const MacroConfig c = MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 8, .w_bits = 8});
  EXPECT_EQ(
      ErrorOf([&] {
        EncodeLayer(c, {2, 4}, Layer(2, 4, std::vector<int32_t>(8, 0), {1, 1, 1, 0, 0, 0, 0, 0}));
      }),
      "layer row 0, input group 0 (inputs 0..3) keeps 3 weights: N:M 2:4 keeps at most 2");
  EXPECT_EQ(
      ErrorOf([&] {
        EncodeLayer(c, {2, 4}, Layer(2, 4, {0, 0, 0, 0, 0, 0, 0, 200}, {0, 0, 0, 0, 0, 0, 0, 1}));
      }),
      "layer weight [1][3] 200: must fit 8-bit signed, [-128, 127] for W = 8");
  EXPECT_NO_THROW(
      EncodeLayer(c, {2, 4}, Layer(2, 4, {0, 0, 0, 0, 0, 0, 0, 200}, std::vector<uint8_t>(8, 0))));
  EXPECT_EQ(
      ErrorOf([&] {
        EncodeLayer(c, {2, 4}, Layer(2, 4, std::vector<int32_t>(8, 0), {0, 2, 0, 0, 0, 0, 0, 0}));
      }),
      "layer mask [0][1] 2: must be in [0, 1]");
  EXPECT_EQ(
      ErrorOf([&] {
        EncodeLayer(c, {2, 4}, Layer(2, 4, std::vector<int32_t>(7, 0), std::vector<uint8_t>(8, 0)));
      }),
      "layer 2x4: has 7 weights and 8 mask entries, both must be O_out*K = 8");
  EXPECT_THROW(
      EncodeLayer(c, {2, 8}, Layer(2, 4, std::vector<int32_t>(8, 0), std::vector<uint8_t>(8, 0))),
      UsageError);
  // 4:4 runs as 2:2, which needs P >= 2.
  EXPECT_THROW(EncodeLayer(MacroConfig::Create({.subs = 1, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 8, .w_bits = 8}), {4, 4},
                           Layer(2, 4, std::vector<int32_t>(8, 0), std::vector<uint8_t>(8, 0))),
               UsageError);
}

}  // namespace
}  // namespace flexcim::golden
