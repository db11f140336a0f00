// Shared by every fuzz target: run one parse and accept only flexcim::Error
// (the documented failure: one line naming the file). Any other exception
// escapes, std::terminate aborts, and libFuzzer records the input as a
// finding, as it does for a sanitizer report or a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/errors.h"

namespace flexcim::fuzz {

inline std::string_view Bytes(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

template <typename Parse>
int ExpectOnlyFlexcimErrors(Parse parse) {
  try {
    parse();
  } catch (const Error&) {
  }
  return 0;
}

}  // namespace flexcim::fuzz
