// MacroConfig: the one validated description of a FlexCiM macro.
//
// Every width, lane count, the pipeline latency and the tile-load cost are
// derived here and nowhere else; the generator, the golden model, the mapper
// and the tests all read them from this struct (FLEXCIM.md sections 1, 5, 5b).
#pragma once

#include <string>

namespace flexcim {

// Returns log2(x) for a power of two x >= 1.
int Log2Exact(int x);
bool IsPowerOfTwo(long long x);

class MacroConfig {
 public:
  // Defaults of FLEXCIM.md section 1: P=4, R=16, C=16, G=C, A=8, W=8.
  static constexpr int kDefaultSubs = 4;
  static constexpr int kDefaultRows = 16;
  static constexpr int kDefaultCols = 16;
  static constexpr int kDefaultBits = 8;

  // Validates and builds. Throws UsageError naming the flag, the value and
  // the allowed range, e.g. "--rows 24: must be a power of two in [2, 256]".
  // sel_group 0 means "G = C"; negative is a UsageError.
  static MacroConfig Create(int subs, int rows, int cols, int sel_group,
                            int a_bits, int w_bits);
  static MacroConfig Default();

  // The six parameters.
  int subs() const { return subs_; }          // P
  int rows() const { return rows_; }          // R
  int cols() const { return cols_; }          // C
  int sel_group() const { return sel_group_; }  // G
  int a_bits() const { return a_bits_; }      // A
  int w_bits() const { return w_bits_; }      // W

  // Derived quantities.
  int log2_subs() const { return Log2Exact(subs_); }
  int log2_rows() const { return Log2Exact(rows_); }
  int sel_bits() const;              // SB = max(1, log2 P)
  int row_addr_bits() const { return log2_rows(); }  // width of wr_row
  int window() const { return 2 * subs_; }           // activations per row, 2P
  int select_groups() const { return cols_ / sel_group_; }  // C/G per row
  int product_width() const { return a_bits_ + w_bits_; }    // A+W
  int column_sum_width() const { return product_width() + log2_rows(); }
  int output_width() const { return column_sum_width() + log2_subs(); }  // O
  int output_lanes() const { return subs_ * cols_; }  // P*C
  int act_lanes() const { return rows_ * window(); }  // R*2P
  int cells() const { return subs_ * rows_ * cols_; }
  int max_nlog2() const { return log2_subs(); }

  // Pipeline register stages: the product registers (they capture at the
  // vector's own input edge), one register per adder-tree level (log2 R),
  // then one per merge level (log2 P), or a single output register when
  // P = 1. See docs/ARCHITECTURE.md.
  int adder_stages() const { return log2_rows(); }
  int merge_stages() const { return log2_subs() > 0 ? log2_subs() : 1; }
  int pipeline_register_stages() const { return 1 + adder_stages() + merge_stages(); }
  // Latency L of FLEXCIM.md 5b: a vector sampled at edge t is on out_data
  // right after edge t+L. The product stage captures at edge t itself, so
  // L = register stages - 1 = log2 R + max(1, log2 P) (>= 2).
  int pipeline_latency() const { return pipeline_register_stages() - 1; }
  // Weights are written one sub-macro row per cycle.
  int tile_load_cycles() const { return subs_ * rows_; }

  // "p4_r16_c16_g16_a8_w8": carried by module names, test names, prefixes.
  std::string Name() const;
  // The flags that reproduce this configuration on the command line.
  std::string Flags() const;

  bool operator==(const MacroConfig&) const = default;

 private:
  MacroConfig(int p, int r, int c, int g, int a, int w)
      : subs_(p), rows_(r), cols_(c), sel_group_(g), a_bits_(a), w_bits_(w) {}
  int subs_, rows_, cols_, sel_group_, a_bits_, w_bits_;
};

}  // namespace flexcim
