// ParseNamed: a flag value parsed against the names of an enum whose values
// are 0, 1, ... in the order of `names`. An unknown name is a UsageError
// listing the set: "--mac serial: must be one of bit-parallel, bit-serial".
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <string_view>

#include "core/errors.h"

namespace flexcim {

template <typename Enum, std::size_t N>
Enum ParseNamed(std::string_view flag, std::string_view name, const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  throw UsageError(fmt::format("{} {}: must be one of {}", flag, name, fmt::join(names, ", ")));
}

}  // namespace flexcim
