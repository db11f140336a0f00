#include "core/cell_style.h"

#include <fmt/format.h>

#include <array>

#include "core/errors.h"

namespace flexcim {

namespace {

constexpr std::array<std::string_view, 2> kMacNames = {"bit-parallel", "bit-serial"};
constexpr std::array<std::string_view, 2> kStorageNames = {"ff", "latch"};

template <typename Enum, std::size_t N>
Enum ParseNamed(std::string_view flag, std::string_view name,
                const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  throw UsageError(fmt::format("{} {}: must be one of {}", flag, name, fmt::join(names, ", ")));
}

}  // namespace

std::string_view MacStyleName(MacStyle mac) { return kMacNames[static_cast<int>(mac)]; }
std::string_view StorageKindName(StorageKind storage) {
  return kStorageNames[static_cast<int>(storage)];
}

MacStyle ParseMacStyle(std::string_view name) {
  return ParseNamed<MacStyle>("--mac", name, kMacNames);
}
StorageKind ParseStorageKind(std::string_view name) {
  return ParseNamed<StorageKind>("--storage", name, kStorageNames);
}

}  // namespace flexcim
