// Parser of Yosys 0.23 `stat -liberty` text (0.23's `stat -json` has no
// area). Per module: the "=== name ===" section's cell-type counts (library
// cells and submodule instances alike) and "Chip area for module '\name': X"
// (own library cells only; absent when the module has none). Plus "Chip area
// for top module '\name': X" from the design-hierarchy section.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace flexcim::synth {

struct YosysModuleStat {
  std::map<std::string, long long> cell_counts;  // cell type -> count
  std::optional<double> chip_area;               // own library cells, µm²
};

struct YosysStat {
  std::map<std::string, YosysModuleStat> modules;  // names without the leading '\'
  std::string top;                                 // from "Chip area for top module"
  std::optional<double> top_area;                  // whole hierarchy, µm²
};

// Throws flexcim::Error when no module section is found.
YosysStat ParseYosysStat(const std::string& text);

}  // namespace flexcim::synth
