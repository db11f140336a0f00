// The configurations every generator test covers (issue 2): the default,
// P = 1, G = 1, wide P, the smallest macro, 16-bit data, odd bit widths, and
// wide columns with 1 < G < C; bit-serial cells and latch storage. The co-simulation (verif/) verilates exactly
// these snapshots. Their snapshots live in testdata/gen/<config Name()>/.
#pragma once

#include <cstdlib>
#include <ostream>
#include <filesystem>
#include <string>
#include <vector>

#include "core/baseline_config.h"
#include "core/macro_config.h"

namespace flexcim {
// GoogleTest prints parameters with these (found by ADL).
inline void PrintTo(const MacroConfig& config, std::ostream* os) { *os << config.Name(); }
inline void PrintTo(const BaselineConfig& config, std::ostream* os) {
  *os << config.QualifiedName();
}
}  // namespace flexcim

namespace flexcim::gen::testing {

inline MacroConfig BitSerial(const MacroConfig& c) { return c.WithMac(MacStyle::kBitSerial); }
inline MacroConfig Latch(const MacroConfig& c) { return c.WithStorage(StorageKind::kLatch); }

inline std::vector<MacroConfig> SnapshotConfigs() {
  return {
      MacroConfig::Create({.subs = 4, .rows = 16, .cols = 16, .sel_group = 16, .a_bits = 8, .w_bits = 8}), MacroConfig::Create({.subs = 1, .rows = 4, .cols = 4, .sel_group = 4, .a_bits = 8, .w_bits = 8}),
      MacroConfig::Create({.subs = 2, .rows = 8, .cols = 4, .sel_group = 1, .a_bits = 8, .w_bits = 8}),    MacroConfig::Create({.subs = 8, .rows = 8, .cols = 8, .sel_group = 2, .a_bits = 8, .w_bits = 8}),
      MacroConfig::Create({.subs = 2, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 4, .w_bits = 4}),    MacroConfig::Create({.subs = 4, .rows = 4, .cols = 4, .sel_group = 2, .a_bits = 16, .w_bits = 16}),
      MacroConfig::Create({.subs = 4, .rows = 8, .cols = 8, .sel_group = 4, .a_bits = 3, .w_bits = 5}),
      // Beyond the list: wide columns with 1 < G < C, odd widths.
      MacroConfig::Create({.subs = 2, .rows = 4, .cols = 32, .sel_group = 8, .a_bits = 6, .w_bits = 4}),
      // Bit-serial cells (FLEXCIM.md 5c): the default, P = 1, the smallest
      // macro, odd widths, 16-bit data.
      BitSerial(MacroConfig::Create({.subs = 4, .rows = 16, .cols = 16, .sel_group = 16, .a_bits = 8, .w_bits = 8})),
      BitSerial(MacroConfig::Create({.subs = 1, .rows = 4, .cols = 4, .sel_group = 4, .a_bits = 8, .w_bits = 8})),
      BitSerial(MacroConfig::Create({.subs = 2, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 4, .w_bits = 4})),
      BitSerial(MacroConfig::Create({.subs = 4, .rows = 8, .cols = 8, .sel_group = 4, .a_bits = 3, .w_bits = 5})),
      BitSerial(MacroConfig::Create({.subs = 4, .rows = 4, .cols = 4, .sel_group = 2, .a_bits = 16, .w_bits = 16})),
      // Latch storage (docs/ARCHITECTURE.md "Latch storage"), twins of flip-flop
      // snapshots above: G = 1 selects with each cell style.
      Latch(MacroConfig::Create({.subs = 2, .rows = 8, .cols = 4, .sel_group = 1, .a_bits = 8, .w_bits = 8})),
      Latch(BitSerial(MacroConfig::Create({.subs = 2, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 4, .w_bits = 4}))),
  };
}

// The baselines (FLEXCIM.md section 6) every generator test covers, with
// their snapshots in testdata/gen/<BaselineConfig::QualifiedName()>/: the
// default size, the smallest array (P*R = 2, latency 2, 2-bit data) and
// odd or 16-bit widths. verif/ co-simulates each one.
inline std::vector<BaselineConfig> BaselineSnapshotConfigs() {
  return {
      BaselineConfig::For(Arch::kDense, MacroConfig::Create({.subs = 4, .rows = 16, .cols = 16, .sel_group = 16, .a_bits = 8, .w_bits = 8})),
      BaselineConfig::For(Arch::kDense, MacroConfig::Create({.subs = 1, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 2, .w_bits = 2})),
      BaselineConfig::For(Arch::kDense, MacroConfig::Create({.subs = 2, .rows = 4, .cols = 8, .sel_group = 8, .a_bits = 3, .w_bits = 5})),
      BaselineConfig::For(Arch::kSparse12, MacroConfig::Create({.subs = 4, .rows = 16, .cols = 16, .sel_group = 16, .a_bits = 8, .w_bits = 8})),
      BaselineConfig::For(Arch::kSparse12, MacroConfig::Create({.subs = 1, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 3})),
      BaselineConfig::For(Arch::kSparse12, MacroConfig::Create({.subs = 2, .rows = 8, .cols = 4, .sel_group = 4, .a_bits = 16, .w_bits = 16})),
      // Bit-serial cells: the smallest arrays and odd / 16-bit widths.
      BaselineConfig::For(Arch::kDense, BitSerial(MacroConfig::Create({.subs = 1, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 2, .w_bits = 2}))),
      BaselineConfig::For(Arch::kDense, BitSerial(MacroConfig::Create({.subs = 2, .rows = 4, .cols = 8, .sel_group = 8, .a_bits = 3, .w_bits = 5}))),
      BaselineConfig::For(Arch::kSparse12, BitSerial(MacroConfig::Create({.subs = 1, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 3}))),
      BaselineConfig::For(Arch::kSparse12, BitSerial(MacroConfig::Create({.subs = 2, .rows = 8, .cols = 4, .sel_group = 4, .a_bits = 16, .w_bits = 16}))),
      // The carry split (BaselineConfig::carry_split_bit()) with a product
      // exactly as wide as the split bit: the first split level delays its
      // operands' sign bits (the 16-bit twin above delays whole high parts).
      BaselineConfig::For(Arch::kDense, BitSerial(MacroConfig::Create({.subs = 1, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 3, .w_bits = 7}))),
      // Latch storage, twins of flip-flop snapshots above, each cell style.
      BaselineConfig::For(Arch::kDense, Latch(MacroConfig::Create({.subs = 2, .rows = 4, .cols = 8, .sel_group = 8, .a_bits = 3, .w_bits = 5}))),
      BaselineConfig::For(Arch::kDense, Latch(BitSerial(MacroConfig::Create({.subs = 1, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 2, .w_bits = 2})))),
      BaselineConfig::For(Arch::kSparse12, Latch(MacroConfig::Create({.subs = 1, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 3}))),
      BaselineConfig::For(Arch::kSparse12,
                          Latch(BitSerial(MacroConfig::Create({.subs = 1, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 3})))),
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
