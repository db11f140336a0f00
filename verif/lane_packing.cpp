#include "verif/lane_packing.h"

namespace flexcim::verif {

Words PackLanes(const int64_t* lanes, int count, int width) {
  Words words(WordsFor(count * width), 0u);
  for (int i = 0; i < count; ++i) {
    const uint64_t v = static_cast<uint64_t>(lanes[i]);
    for (int b = 0; b < width; ++b) {
      if ((v >> b) & 1u) {
        const int bit = i * width + b;
        words[bit / 32] |= 1u << (bit % 32);
      }
    }
  }
  return words;
}

std::vector<int64_t> UnpackSignedLanes(const uint32_t* words, int count, int width) {
  std::vector<int64_t> lanes(count);
  for (int i = 0; i < count; ++i) {
    uint64_t v = 0;
    for (int b = 0; b < width; ++b) {
      const int bit = i * width + b;
      v |= static_cast<uint64_t>((words[bit / 32] >> (bit % 32)) & 1u) << b;
    }
    if (width < 64 && ((v >> (width - 1)) & 1u)) v |= ~uint64_t{0} << width;
    lanes[i] = static_cast<int64_t>(v);
  }
  return lanes;
}

}  // namespace flexcim::verif
