#include "verif/lane_packing.h"

namespace flexcim::verif {

namespace {

uint64_t LowBits(int width) { return width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1; }

}  // namespace

// Word-wise: each lane's low `width` bits go into at most three 32-bit
// words (the co-simulation packs every pin every cycle).
Words PackLanes(const int64_t* lanes, int count, int width) {
  Words words(WordsFor(count * width), 0u);
  const uint64_t mask = LowBits(width);
  for (int i = 0; i < count; ++i) {
    uint64_t v = static_cast<uint64_t>(lanes[i]) & mask;
    int bit = i * width, remaining = width;
    while (remaining > 0) {
      const int offset = bit % 32;
      words[bit / 32] |= static_cast<uint32_t>(v << offset);
      const int placed = 32 - offset;
      if (placed >= remaining) break;
      v >>= placed;
      bit += placed;
      remaining -= placed;
    }
  }
  return words;
}

std::vector<int64_t> UnpackSignedLanes(const uint32_t* words, int count, int width) {
  std::vector<int64_t> lanes(count);
  const uint64_t mask = LowBits(width);
  for (int i = 0; i < count; ++i) {
    const int first = i * width;
    uint64_t v = 0;
    for (int got = 0; got < width;) {
      const int bit = first + got, offset = bit % 32;
      v |= static_cast<uint64_t>(words[bit / 32] >> offset) << got;
      got += 32 - offset;
    }
    v &= mask;
    if (width < 64 && ((v >> (width - 1)) & 1u)) v |= ~uint64_t{0} << width;
    lanes[i] = static_cast<int64_t>(v);
  }
  return lanes;
}

}  // namespace flexcim::verif
