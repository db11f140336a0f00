// ArchTraits: the one table of the architectures the generator emits
// (FLEXCIM.md 5b and 6): name, top module, which metadata the cells carry,
// and the top level's port signature. The generator's top levels, the
// manifest, the Verilated DUT wrapper and the stimulus builder all read the
// ports from TopPorts(); nothing else lists them.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/macro_config.h"

namespace flexcim {

// The architectures `flexcim gen --arch` emits.
enum class Arch { kFlexcim, kDense, kSparse12 };

struct ArchTraits {
  Arch arch;
  std::string_view name;  // "flexcim", "dense", "sparse12" (the --arch value)
  std::string_view top;   // top module
  // Per-cell element bit (wr_e): which activation of the row's pair.
  bool has_elements;
  // Sub-macros with pair selects and a merging network: wr_sub, wr_sel,
  // in_nlog2.
  bool has_pair_select;
  // What the storage holds, for docs and reports.
  std::string_view storage;
};

const std::array<ArchTraits, 3>& AllArchTraits();
const ArchTraits& TraitsOf(Arch arch);
std::string ArchName(Arch arch);
// Throws UsageError "--arch foo: must be one of flexcim, dense, sparse12".
Arch ParseArch(std::string_view name);

// One port of a top level (FLEXCIM.md 5b, docs/ARCHITECTURE.md "Baselines").
struct PortSpec {
  std::string name;
  bool is_output = false;
  int width = 1;
  bool operator==(const PortSpec&) const = default;
};

// The top level's ports in declaration order. Widths come from MacroConfig
// (flexcim) or BaselineConfig::For(arch, config) (baselines).
std::vector<PortSpec> TopPorts(Arch arch, const MacroConfig& config);

// in_nlog2 is 4 bits whatever P is (FLEXCIM.md 5b).
inline constexpr int kNlog2Bits = 4;

}  // namespace flexcim
