#include "golden/plain_gemv.h"

#include <gtest/gtest.h>

#include "golden/tests/test_util.h"

namespace flexcim::golden {
namespace {

TEST(PlainGemv, ByHand) {
  const PlainGemv g(2, 3, {1, -2, 3, -128, 127, 0});
  const std::vector<int8_t> x = {4, 5, -6};
  std::vector<int32_t> y(2);
  g.Compute(x.data(), y.data());
  EXPECT_EQ(y, (std::vector<int32_t>{4 - 10 - 18, -512 + 635}));
  EXPECT_EQ(g.macs_per_vector(), 6);
}

TEST(PlainGemv, MacroShapeHasTheSameMacCount) {
  const MacroConfig c = MacroConfig::Default();
  testing::RandomValues rv(3);
  std::vector<int8_t> w(static_cast<size_t>(c.cells()));
  for (auto& v : w) v = static_cast<int8_t>(rv.Signed(8));
  const PlainGemv g = PlainGemv::ForMacro(c, w);
  EXPECT_EQ(g.outputs(), 16);
  EXPECT_EQ(g.inputs(), 64);
  EXPECT_EQ(g.macs_per_vector(), c.cells());
  std::vector<int8_t> x(64 * 3);
  for (auto& v : x) v = static_cast<int8_t>(rv.Signed(8));
  std::vector<int32_t> y(16 * 3);
  g.ComputeBatch(x.data(), 3, y.data());
  for (int v = 0; v < 3; ++v) {
    for (int o = 0; o < 16; ++o) {
      int32_t want = 0;
      for (int i = 0; i < 64; ++i) want += w[o * 64 + i] * x[v * 64 + i];
      EXPECT_EQ(y[v * 16 + o], want);
    }
  }
  EXPECT_EQ(testing::ErrorOf([] {
              PlainGemv(2, 2, {1, 2, 3});
            }),
            "PlainGemv: 3 weights for 2 outputs x 2 inputs");
}

}  // namespace
}  // namespace flexcim::golden
