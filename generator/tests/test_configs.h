// The configurations every generator test covers (issue 2): the default,
// P = 1, G = 1, wide P, the smallest macro, 16-bit data, odd bit widths, and
// wide columns with 1 < G < C. The co-simulation (verif/) verilates exactly
// these snapshots. Their snapshots live in testdata/gen/<config Name()>/.
#pragma once

#include <cstdlib>
#include <ostream>
#include <filesystem>
#include <string>
#include <vector>

#include "core/macro_config.h"

namespace flexcim {
// GoogleTest prints parameters with this (found by ADL).
inline void PrintTo(const MacroConfig& config, std::ostream* os) { *os << config.Name(); }
}  // namespace flexcim

namespace flexcim::gen::testing {

inline std::vector<MacroConfig> SnapshotConfigs() {
  return {
      MacroConfig::Create(4, 16, 16, 16, 8, 8), MacroConfig::Create(1, 4, 4, 4, 8, 8),
      MacroConfig::Create(2, 8, 4, 1, 8, 8),    MacroConfig::Create(8, 8, 8, 2, 8, 8),
      MacroConfig::Create(2, 2, 1, 1, 4, 4),    MacroConfig::Create(4, 4, 4, 2, 16, 16),
      MacroConfig::Create(4, 8, 8, 4, 3, 5),
      // Beyond the list: wide columns with 1 < G < C, odd widths.
      MacroConfig::Create(2, 4, 32, 8, 6, 4),
  };
}

// Repository root: $FLEXCIM_SOURCE_DIR (set by ctest), else the build's.
inline std::filesystem::path SourceDir() {
  if (const char* env = std::getenv("FLEXCIM_SOURCE_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return FLEXCIM_SOURCE_DIR;
}

}  // namespace flexcim::gen::testing
