// Cell styles and storage kinds of FLEXCIM.md 5c: how a cell multiplies
// (`--mac`) and what holds the weights, element bits and selects
// (`--storage`). The same arithmetic either way; timing and cells differ
// (docs/ARCHITECTURE.md "Bit-serial cells", "Latch storage").
#pragma once

#include <string>
#include <string_view>

namespace flexcim {

enum class MacStyle { kBitParallel, kBitSerial };
enum class StorageKind { kFlipFlop, kLatch };

// "bit-parallel", "bit-serial"; "ff", "latch" (the flag values).
std::string_view MacStyleName(MacStyle mac);
std::string_view StorageKindName(StorageKind storage);

// Throw UsageError "--mac foo: must be one of bit-parallel, bit-serial"
// (resp. "--storage foo: must be one of ff, latch").
MacStyle ParseMacStyle(std::string_view name);
StorageKind ParseStorageKind(std::string_view name);

}  // namespace flexcim
