// Range checks shared by the golden model: every message names the value,
// the allowed range and the parameter that sets it, e.g.
// "in_nlog2 3: must be in [0, 2] for P = 4".
#pragma once

#include <cstdint>
#include <string_view>

namespace flexcim::golden {

// Smallest / largest value of a `bits`-wide signed two's-complement number.
constexpr int64_t SignedMin(int bits) { return -(int64_t{1} << (bits - 1)); }
constexpr int64_t SignedMax(int bits) { return (int64_t{1} << (bits - 1)) - 1; }
constexpr bool FitsSigned(int64_t v, int bits) {
  return v >= SignedMin(bits) && v <= SignedMax(bits);
}

// Throws flexcim::Error "<what> <value>: must be in [lo, hi] for <param>"
// (the " for <param>" part only when `param` is non-empty).
void RequireInRange(std::string_view what, int64_t value, int64_t lo, int64_t hi,
                    std::string_view param);

// Throws flexcim::Error "<what> <value>: must fit <bits>-bit signed, [lo, hi] for <param>".
void RequireSigned(std::string_view what, int64_t value, int bits, std::string_view param);

}  // namespace flexcim::golden
