// The accelerator program of a layer (verif/accel_program.h): the buffer
// layout, the expected outputs and cycles, and every descriptor list that
// must be refused before simulation, with its exact message.
#include "verif/accel_program.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "golden/layer_runner.h"
#include "verif/accel_verify.h"

namespace flexcim::verif {
namespace {

// P=2 R=2 C=2 G=2 A=4 W=4: a tile is 4 rows, L = 3; Q = 2.
AccelConfig Config() {
  return AccelConfig::Create(Arch::kFlexcim, MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4}),
                             {.macros = 2, .wbuf_rows = 32, .abuf_words = 8, .obuf_rows = 8, .descriptors = 6,
                              .max_tokens = 4});
}

AccelLayer Random(int out, int in, const char* nm, int tokens, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const NmPattern p = NmPattern::Parse(nm, "--nm");
  RandomAccelLayer r = MakeRandomAccelLayer(Config().macro(), p, out, in, tokens, rng);
  return {"0.wq", p, std::move(r.weights), std::move(r.x), tokens};
}

std::string ErrorOf(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(AccelProgram, LayoutOutputsAndCycles) {
  // 8 x 8 at 1:2: tiles cover R*M = 4 inputs x (P/N)*C = 4 outputs: 2 x 2 tiles, k-major.
  const AccelLayer layer = Random(8, 8, "1:2", 2, 3);
  const AccelProgram p = MakeAccelProgram(Config(), layer, golden::Schedule::kOverlapped);
  ASSERT_EQ(p.descriptors.size(), 4u);
  const std::vector<TileDescriptor> want{{0, 0, 0, 0, true}, {4, 0, 2, 0, true}, {8, 2, 0, 0, false},
                                         {12, 2, 2, 0, false}};
  EXPECT_EQ(p.descriptors, want);
  EXPECT_EQ(p.wbuf.size(), 16u);
  EXPECT_EQ(p.abuf.size(), 4u);  // 2 k-tiles x 2 tokens
  // Overlapped: a tile's first vector comes Lw - 1 = 2 cycles after its last
  // row (FLEXCIM.md 5b); tiles start loading at 0, 4, 11 (macro 0 busy until
  // its last output at 10), 15; the last ends at 15 + 4 + 2 + 2 + 3 = 26;
  // + 2 start cycles.
  EXPECT_EQ(p.expected_cycles, 28);
  // Serial: 2 rounds of 2 x 4 loads + 2 + 2 tokens + L 3 = 30, + 2.
  EXPECT_EQ(MakeAccelProgram(Config(), layer, golden::Schedule::kSerial).expected_cycles, 32);
  // Every output of both tokens, at (orow + t) * P*C + lane, equal to the GEMV.
  ASSERT_EQ(p.expected.size(), 16u);
  for (int t = 0; t < 2; ++t) {
    const std::vector<int32_t> x(layer.x.begin() + t * 8, layer.x.begin() + (t + 1) * 8);
    const std::vector<int32_t> y = golden::MaskedLayerGemv(layer.weights, x);
    EXPECT_EQ(p.expected[static_cast<size_t>(t * 8)], std::make_pair(int64_t{t * 4}, y[0]));
    EXPECT_EQ(p.expected[static_cast<size_t>(t * 8 + 7)], std::make_pair(int64_t{(2 + t) * 4 + 3}, y[7]));
  }
}

TEST(AccelProgram, BadDescriptorListsAreRefusedNamingLayerAndTile) {
  const AccelConfig c = Config();
  auto check = [&](std::vector<TileDescriptor> d, int64_t loaded, int tokens) {
    return ErrorOf([&] { CheckAccelDescriptors(c, "3.w2", d, loaded, tokens); });
  };
  const TileDescriptor ok{0, 0, 0, 1, true};
  EXPECT_EQ(check(std::vector<TileDescriptor>(7, ok), 7, 1),
            "layer 3.w2: 7 tiles, the descriptor file holds 6 (--descriptors)");
  EXPECT_EQ(check({ok}, 1, 5), "layer 3.w2: 5 tokens, a run takes 1..4 (--max-tokens)");
  EXPECT_EQ(check({{28, 0, 0, 0, true}, {30, 0, 2, 0, true}}, 8, 2),
            "layer 3.w2: tile 1: weight rows 30..33 overrun the weight buffer (32 rows)");
  EXPECT_EQ(check({ok, {8, 0, 2, 0, true}}, 2, 2),
            "layer 3.w2: tile 1: weight rows 8..11 are not a tile of the weight-buffer image (2 tiles at "
            "multiples of 4 rows): missing tile");
  EXPECT_EQ(check({{0, 7, 0, 0, true}}, 1, 2),
            "layer 3.w2: tile 0: activation words 7..8 overrun the activation buffer (8 words)");
  EXPECT_EQ(check({{0, 0, 7, 0, true}}, 1, 2),
            "layer 3.w2: tile 0: output rows 7..8 overrun the output buffer (8 rows)");
  EXPECT_EQ(check({{0, 0, 0, 2, true}}, 1, 2),
            "layer 3.w2: tile 0: log2 N = 2 is a pattern p2_r2_c2_g2_a4_w4 cannot run (log2 N <= 1)");
  EXPECT_EQ(check({ok, {4, 0, 1, 1, false}}, 2, 2),
            "layer 3.w2: tile 1: writes output rows 1..2 like tile 0, fewer than Q = 2 tiles before it (they may "
            "run at once)");
  EXPECT_EQ(check({ok, {4, 0, 2, 1, true}, {8, 0, 0, 1, false}}, 3, 2), "no error");  // tile 2 is Q apart from 0
}

TEST(AccelProgram, LayersThatCannotRunAreRefused) {
  // 4 x 16 at 1:2: one o-tile, 4 k-tiles: consecutive tiles add into the same outputs.
  EXPECT_EQ(ErrorOf([] { MakeAccelProgram(Config(), Random(4, 16, "1:2", 2, 1), golden::Schedule::kSerial); }),
            "layer 0.wq: tile 1: writes output rows 0..1 like tile 0, fewer than Q = 2 tiles before it (they may "
            "run at once)");
  AccelLayer wide = Random(4, 16, "1:2", 2, 1);
  wide.pattern = NmPattern::Parse("1:8", "--nm");
  EXPECT_EQ(ErrorOf([&] { MakeAccelProgram(Config(), wide, golden::Schedule::kSerial); }),
            "layer 0.wq: pattern 1:8 does not run on flexcim p2_r2_c2_g2_a4_w4 (supported: 1:2, 2:2, 1:4, 2:4, "
            "4:4; N = M runs as 2:2)");
  // 32 x 32 at 1:2: 8 x 8 tiles, more than the 6 descriptors.
  EXPECT_EQ(ErrorOf([] { MakeAccelProgram(Config(), Random(32, 32, "1:2", 1, 1), golden::Schedule::kSerial); }),
            "layer 0.wq: 64 tiles, the descriptor file holds 6 (--descriptors)");
}

}  // namespace
}  // namespace flexcim::verif
