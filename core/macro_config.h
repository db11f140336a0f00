// MacroConfig: the one validated description of a FlexCiM macro.
//
// Every width, lane count, the pipeline latency and the tile-load cost are
// derived here and nowhere else; the generator, the golden model, the mapper
// and the tests all read them from this struct (FLEXCIM.md sections 1, 5, 5b).
#pragma once

#include <string>

#include "core/cell_style.h"

namespace flexcim {

// Returns log2(x) for a power of two x >= 1.
int Log2Exact(int x);
bool IsPowerOfTwo(long long x);

// The parameters of a macro by name (FLEXCIM.md 1 and 5c); defaults are
// the spec's. sel_group 0 means G = C.
struct MacroParams {
  int subs = 4;       // P
  int rows = 16;      // R
  int cols = 16;      // C
  int sel_group = 0;  // G (0: C)
  int a_bits = 8;     // A
  int w_bits = 8;     // W
  MacStyle mac = MacStyle::kBitParallel;
  StorageKind storage = StorageKind::kFlipFlop;
};

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
  static MacroConfig Create(const MacroParams& params);
  static MacroConfig Default();

  // The six parameters.
  int subs() const { return subs_; }          // P
  int rows() const { return rows_; }          // R
  int cols() const { return cols_; }          // C
  int sel_group() const { return sel_group_; }  // G
  int a_bits() const { return a_bits_; }      // A
  int w_bits() const { return w_bits_; }      // W
  MacStyle mac() const { return mac_; }
  StorageKind storage() const { return storage_; }
  bool bit_serial() const { return mac_ == MacStyle::kBitSerial; }
  MacroParams params() const {
    return {subs_, rows_, cols_, sel_group_, a_bits_, w_bits_, mac_, storage_};
  }
  // The same configuration with other cells / storage.
  MacroConfig WithMac(MacStyle mac) const;
  MacroConfig WithStorage(StorageKind storage) const;

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
  // P = 1. Bit-serial cells add serial_stages() = A + 1: the activation
  // capture and A-1 further planes ahead of the last plane's products, and
  // the shift-accumulator after the merging network. See docs/ARCHITECTURE.md.
  int adder_stages() const { return log2_rows(); }
  int merge_stages() const { return log2_subs() > 0 ? log2_subs() : 1; }
  int serial_stages() const { return bit_serial() ? a_bits_ + 1 : 0; }
  int pipeline_register_stages() const {
    return 1 + adder_stages() + merge_stages() + serial_stages();
  }
  // Width of a cell's product: A+W, or W for a bit-serial AND cell.
  int cell_product_width() const { return bit_serial() ? w_bits_ : product_width(); }
  // Width of a sub-macro column's output, the merging network's input lane:
  // the column sum (A+W+log2 R), or for bit-serial cells the column's sum of
  // one bit plane (W+log2 R), which is merged plane by plane and
  // shift-accumulated after the merge (docs/ARCHITECTURE.md "Where the
  // merge sits").
  int submacro_output_width() const { return cell_product_width() + log2_rows(); }
  // Width of a merging-network lane: the sum of P sub-macro outputs. O for
  // bit-parallel cells; bit-serial cells accumulate it to O over A planes.
  int merge_lane_width() const { return submacro_output_width() + log2_subs(); }
  // Latency L of FLEXCIM.md 5b, counted as testbenches count it: a vector
  // presented in cycle c (in_valid high during c, sampled at the edge that
  // ends c) is on out_data with out_valid high during cycle c+L. L is the
  // number of register stages: 1 + log2 R + max(1, log2 P) (>= 3).
  int pipeline_latency() const { return pipeline_register_stages(); }
  // Edges from a vector's sampling edge t to the edge that loads it into the
  // output register (t + L - 1): the vector is in flight over these edges.
  int output_edge_offset() const { return pipeline_latency() - 1; }
  // Cycles between two input vectors (FLEXCIM.md 5, 5c): bit-parallel cells
  // are fully pipelined; bit-serial cells take one activation bit plane per
  // cycle, II = A.
  int initiation_interval() const { return bit_serial() ? a_bits_ : 1; }
  // Weights are written one sub-macro row per cycle.
  int tile_load_cycles() const { return subs_ * rows_; }
  // Write latency Lw of FLEXCIM.md 5b (manifest key `write_latency`): a
  // write sampled at edge t is seen by vectors sampled from edge t+Lw on,
  // and no vector is sampled at edges t+1 .. t+Lw-1. The write path is
  // pipelined so that it meets the compute clock (docs/ARCHITECTURE.md
  // "Write pipeline"): edge t captures the write (enable, row predecode,
  // data), edge t+1 the replicated row enables and the data, edge t+2
  // stores it (flip-flops; latch rows are open in the low phase after t+1).
  // Bit-parallel products read the storage at the vector's own sampling
  // edge: Lw = write_pipeline_stages() + 1 = 3. Bit-serial cells read their
  // first plane one edge later and would see it from t+2, but every design
  // states the same Lw = 3 (every cell style, storage kind and
  // architecture: the baselines share the row storage), so that a pin
  // stream in contract for one design is in contract for its twins.
  static constexpr int kWritePipelineStages = 2;
  int write_pipeline_stages() const { return kWritePipelineStages; }
  int write_latency() const { return kWritePipelineStages + 1; }
  // Cycles from a tile's first row write to its first vector: P*R writes,
  // then Lw - 1 cycles in which no vector may be sampled.
  int tile_load_span() const { return tile_load_cycles() + write_latency() - 1; }

  // "p4_r16_c16_g16_a8_w8": carried by module names, test names, prefixes;
  // "_bs" appended for bit-serial cells, "_latch" for latch storage.
  std::string Name() const;
  // The flags that reproduce this configuration on the command line.
  std::string Flags() const;

  bool operator==(const MacroConfig&) const = default;

 private:
  explicit MacroConfig(const MacroParams& p)
      : subs_(p.subs), rows_(p.rows), cols_(p.cols), sel_group_(p.sel_group), a_bits_(p.a_bits),
        w_bits_(p.w_bits), mac_(p.mac), storage_(p.storage) {}
  int subs_, rows_, cols_, sel_group_, a_bits_, w_bits_;
  MacStyle mac_;
  StorageKind storage_;
};

// "_bs"/"_latch" and " --mac bit-serial"/" --storage latch" for the
// non-default styles (empty for bit-parallel flip-flop macros): what Name()
// and Flags() append, for the baselines' names and flags.
std::string MacroStyleSuffix(const MacroConfig& config);
std::string MacroStyleFlags(const MacroConfig& config);

}  // namespace flexcim
