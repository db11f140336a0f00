#include "core/cell_style.h"

#include <array>

#include "core/parse_named.h"

namespace flexcim {

namespace {

constexpr std::array<std::string_view, 2> kMacNames = {"bit-parallel", "bit-serial"};
constexpr std::array<std::string_view, 2> kStorageNames = {"ff", "latch"};

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
