// BaselineConfig: the one description of the FLEXCIM.md section 6 baseline
// macros (dense DCiM and fixed 1:2 sparse DCiM), derived from a MacroConfig.
//
// Every width, lane count and the latency of a baseline is computed here and
// nowhere else; the generator, the golden models and the co-simulation read
// them from this struct (docs/ARCHITECTURE.md "Baselines"). Header-only so
// that core's build is untouched.
//
// Both baselines have the same cell count as the FlexCiM macro of the same
// configuration: one array of P*R rows x C columns, one pipelined adder tree
// per column, no merging. G is not used (no select groups).
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.h"
#include "core/macro_config.h"

namespace flexcim {

// The architectures `flexcim gen --arch` emits.
enum class Arch { kFlexcim, kDense, kSparse12 };

inline constexpr std::string_view kArchNames[] = {"flexcim", "dense", "sparse12"};

inline std::string ArchName(Arch arch) { return std::string(kArchNames[static_cast<int>(arch)]); }

// Throws UsageError "--arch foo: must be one of flexcim, dense, sparse12".
inline Arch ParseArch(std::string_view name) {
  for (int i = 0; i < 3; ++i) {
    if (kArchNames[i] == name) return static_cast<Arch>(i);
  }
  throw UsageError(fmt::format("--arch {}: must be one of flexcim, dense, sparse12", name));
}

// "flexcim,dense": each once, in the given order. Throws what ParseArch
// throws, and UsageError "--arch: give at least one architecture".
inline std::vector<Arch> ParseArchList(std::string_view text) {
  std::vector<Arch> archs;
  for (size_t start = 0; start <= text.size();) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    if (comma > start) {
      const Arch a = ParseArch(text.substr(start, comma - start));
      if (std::find(archs.begin(), archs.end(), a) == archs.end()) archs.push_back(a);
    }
    start = comma + 1;
  }
  if (archs.empty()) throw UsageError("--arch: give at least one architecture");
  return archs;
}

class BaselineConfig {
 public:
  // arch must be kDense or kSparse12 (throws Error otherwise). The macro's
  // G is ignored: the stored macro() has G = C.
  static BaselineConfig For(Arch arch, const MacroConfig& macro) {
    if (arch == Arch::kFlexcim) throw Error("BaselineConfig: flexcim is not a baseline");
    return BaselineConfig(arch, MacroConfig::Create(macro.subs(), macro.rows(), macro.cols(),
                                                    macro.cols(), macro.a_bits(), macro.w_bits()));
  }

  Arch arch() const { return arch_; }
  std::string arch_name() const { return ArchName(arch_); }
  bool has_elements() const { return arch_ == Arch::kSparse12; }
  const MacroConfig& macro() const { return macro_; }

  int subs() const { return macro_.subs(); }      // P (only through P*R)
  int rows() const { return macro_.subs() * macro_.rows(); }  // P*R array rows
  int cols() const { return macro_.cols(); }      // C
  int a_bits() const { return macro_.a_bits(); }  // A
  int w_bits() const { return macro_.w_bits(); }  // W

  int log2_rows() const { return Log2Exact(rows()); }
  int row_addr_bits() const { return log2_rows(); }          // width of wr_row
  int acts_per_row() const { return has_elements() ? 2 : 1; }  // 1 (dense), pair (sparse12)
  int act_lanes() const { return rows() * acts_per_row(); }  // in_act lanes
  int product_width() const { return a_bits() + w_bits(); }  // A+W
  int output_width() const { return product_width() + log2_rows(); }  // A+W+log2(P*R)
  int output_lanes() const { return cols(); }                // one column sum per column
  int cells() const { return rows() * cols(); }              // = MacroConfig::cells()

  // Pipeline: product registers (capture at the input edge, from the pins),
  // then one register per adder-tree level; the last level is the output
  // register. Latency L = register stages - 1 = log2(P*R) (>= 1).
  int adder_stages() const { return log2_rows(); }
  int pipeline_register_stages() const { return 1 + adder_stages(); }
  int pipeline_latency() const { return pipeline_register_stages() - 1; }
  // Weights (and element bits) are written one array row per cycle.
  int tile_load_cycles() const { return rows(); }

  // "p4_r16_c16_a8_w8": carried by module names, test names, prefixes.
  std::string Name() const {
    return fmt::format("p{}_r{}_c{}_a{}_w{}", subs(), macro_.rows(), cols(), a_bits(), w_bits());
  }
  // "dense_p4_r16_c16_a8_w8": snapshot directories and Verilator prefixes.
  std::string QualifiedName() const { return arch_name() + "_" + Name(); }
  // The flags that reproduce this baseline with `flexcim gen`.
  std::string Flags() const {
    return fmt::format("--arch {} --subs {} --rows {} --cols {} --a-bits {} --w-bits {}",
                       arch_name(), subs(), macro_.rows(), cols(), a_bits(), w_bits());
  }

  bool operator==(const BaselineConfig&) const = default;

 private:
  BaselineConfig(Arch arch, const MacroConfig& macro) : arch_(arch), macro_(macro) {}
  Arch arch_;
  MacroConfig macro_;
};

}  // namespace flexcim
