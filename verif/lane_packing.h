// LanePacking: flattened Verilog vectors <-> integer lanes.
// Lane i of a vector of `width`-bit lanes sits at bits [i*width +: width]
// (FLEXCIM.md 5b). Words are 32-bit, least significant first, exactly as
// Verilator stores wide signals.
#pragma once

#include <cstdint>
#include <vector>

namespace flexcim::verif {

using Words = std::vector<uint32_t>;

inline int WordsFor(int bits) { return (bits + 31) / 32; }

// Packs the low `width` bits of every lane (two's complement for negatives).
Words PackLanes(const int64_t* lanes, int count, int width);
// `count` lanes from a vector of any integer type; lanes past its end are 0
// (a disabled pin left empty in a golden::CycleInput drives zeros).
template <typename T>
Words PackLaneVector(const std::vector<T>& lanes, int count, int width) {
  std::vector<int64_t> wide(count, 0);
  for (int i = 0; i < count && i < static_cast<int>(lanes.size()); ++i) wide[i] = lanes[i];
  return PackLanes(wide.data(), count, width);
}

// Sign-extends each `width`-bit lane.
std::vector<int64_t> UnpackSignedLanes(const uint32_t* words, int count, int width);

}  // namespace flexcim::verif
