#include "verif/lane_packing.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace flexcim::verif {
namespace {

TEST(LanePacking, ThreeBitLanesInOneWord) {
  const int64_t lanes[] = {-1, 2};
  const Words w = PackLanes(lanes, 2, 3);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], 0x17u);  // lane0 = 111, lane1 = 010
  EXPECT_EQ(UnpackSignedLanes(w.data(), 2, 3), (std::vector<int64_t>{-1, 2}));
}

TEST(LanePacking, LanesStraddleWordBoundaries) {
  const int64_t lanes[] = {-2097152, 2097151, -1, 12345};  // 22-bit extremes
  const Words w = PackLanes(lanes, 4, 22);
  ASSERT_EQ(w.size(), 3u);  // 88 bits
  EXPECT_EQ(w[0], 0xFFE00000u);  // lane0 = 0x200000 at bit 0, lane1 low bits at 22..31
  EXPECT_EQ(UnpackSignedLanes(w.data(), 4, 22),
            (std::vector<int64_t>{-2097152, 2097151, -1, 12345}));
}

TEST(LanePacking, FortyFourBitLanes) {
  const int64_t big = (int64_t{1} << 43) - 1;
  const int64_t lanes[] = {big, -big - 1, 0};
  const Words w = PackLanes(lanes, 3, 44);
  EXPECT_EQ(UnpackSignedLanes(w.data(), 3, 44), (std::vector<int64_t>{big, -big - 1, 0}));
}

// Every width from 1 to 64 bits, lanes at every offset in a word: bit b of
// lane i is bit i*width + b of the words, and unpacking sign-extends.
TEST(LanePacking, EveryWidthRoundTripsBitExactly) {
  std::mt19937_64 rng(3);
  for (int width = 1; width <= 64; ++width) {
    const int count = 37;
    std::vector<int64_t> lanes(count);
    for (auto& v : lanes) {
      const uint64_t r = rng();
      v = width == 64 ? static_cast<int64_t>(r) : static_cast<int64_t>(r << (64 - width)) >> (64 - width);
    }
    const Words w = PackLanes(lanes.data(), count, width);
    ASSERT_EQ(static_cast<int>(w.size()), WordsFor(count * width));
    for (int i = 0; i < count; ++i) {
      for (int b = 0; b < width; ++b) {
        const int bit = i * width + b;
        ASSERT_EQ((w[bit / 32] >> (bit % 32)) & 1u, (static_cast<uint64_t>(lanes[i]) >> b) & 1u)
            << "width " << width << " lane " << i << " bit " << b;
      }
    }
    EXPECT_EQ(UnpackSignedLanes(w.data(), count, width), lanes) << "width " << width;
  }
}

}  // namespace
}  // namespace flexcim::verif
