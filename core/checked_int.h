// Overflow-checked 64-bit arithmetic for counts derived from user input
// (cycles, tiles, vectors, bytes): a result that does not fit is an Error
// naming what was being counted, never a wrapped number.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string_view>

#include "core/errors.h"

namespace flexcim {

inline int64_t CheckedMul(int64_t a, int64_t b, std::string_view what) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) {
    throw Error(fmt::format("{} overflows 64 bits ({} x {}); ask for less", what, a, b));
  }
  return r;
}

inline int64_t CheckedAdd(int64_t a, int64_t b, std::string_view what) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) {
    throw Error(fmt::format("{} overflows 64 bits ({} + {}); ask for less", what, a, b));
  }
  return r;
}

inline int64_t CheckedSub(int64_t a, int64_t b, std::string_view what) {
  int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r)) {
    throw Error(fmt::format("{} overflows 64 bits ({} - {}); ask for less", what, a, b));
  }
  return r;
}

}  // namespace flexcim
