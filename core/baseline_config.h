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

#include "core/arch_traits.h"
#include "core/errors.h"
#include "core/macro_config.h"

namespace flexcim {

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
    MacroParams p = macro.params();
    p.sel_group = p.cols;
    return BaselineConfig(arch, MacroConfig::Create(p));
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
  bool bit_serial() const { return macro_.bit_serial(); }

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
  // register. Latency L of FLEXCIM.md 5b = register stages = 1 + log2(P*R)
  // (>= 2): a vector presented in cycle c is on out_data in cycle c+L.
  // Bit-serial cells add MacroConfig::serial_stages() = A + 1 (activation
  // capture and planes, shift-accumulator), as for FlexCiM, and
  // carry_split_stages() (below).
  int adder_stages() const { return log2_rows(); }
  // Bit-serial cells: no add between two registers carries over more than
  // kSerialCarryChainBits bits (docs/ARCHITECTURE.md "Carry split"). When the
  // column sum (W + log2(P*R) bits) is wider, every adder-tree level wider
  // than that and the shift-accumulator add their bits from
  // carry_split_bit() up one cycle after the bits below, with the low part's
  // carry registered in between, and the accumulator's output deskews them:
  // carry_split_stages() = 1 more register stage. 0 (unsplit) otherwise,
  // and always for bit-parallel cells.
  static constexpr int kSerialCarryChainBits = 7;
  int column_sum_width() const { return cell_product_width() + adder_stages(); }
  int carry_split_bit() const {
    return bit_serial() && column_sum_width() > kSerialCarryChainBits ? kSerialCarryChainBits : 0;
  }
  int carry_split_stages() const { return carry_split_bit() > 0 ? 1 : 0; }
  int pipeline_register_stages() const {
    return 1 + adder_stages() + macro_.serial_stages() + carry_split_stages();
  }
  int cell_product_width() const { return macro_.cell_product_width(); }
  int pipeline_latency() const { return pipeline_register_stages(); }
  // Edges from a vector's sampling edge to its output register's load edge.
  int output_edge_offset() const { return pipeline_latency() - 1; }
  int initiation_interval() const { return macro_.initiation_interval(); }
  // Weights (and element bits) are written one array row per cycle.
  int tile_load_cycles() const { return rows(); }
  // Write latency Lw (FLEXCIM.md 5b): the same row storage as FlexCiM.
  int write_latency() const { return macro_.write_latency(); }

  // "p4_r16_c16_a8_w8": carried by module names, test names, prefixes.
  std::string Name() const {
    return fmt::format("p{}_r{}_c{}_a{}_w{}{}", subs(), macro_.rows(), cols(), a_bits(), w_bits(),
                       MacroStyleSuffix(macro_));
  }
  // "dense_p4_r16_c16_a8_w8": snapshot directories and Verilator prefixes.
  std::string QualifiedName() const { return arch_name() + "_" + Name(); }
  // The flags that reproduce this baseline with `flexcim gen`.
  std::string Flags() const {
    return fmt::format("--arch {} --subs {} --rows {} --cols {} --a-bits {} --w-bits {}{}",
                       arch_name(), subs(), macro_.rows(), cols(), a_bits(), w_bits(),
                       MacroStyleFlags(macro_));
  }

  bool operator==(const BaselineConfig&) const = default;

 private:
  BaselineConfig(Arch arch, const MacroConfig& macro) : arch_(arch), macro_(macro) {}
  Arch arch_;
  MacroConfig macro_;
};

}  // namespace flexcim
