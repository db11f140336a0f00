// AccelConfig: the accelerator of issue 21 (docs/ACCEL.md): Q macros of one
// architecture and configuration, a weight buffer, an activation buffer
// (one bank per macro, written together), a tile-descriptor register file,
// a tile sequencer and an output buffer of 32-bit accumulators. Everything
// the generator, the golden model and the testbench derive from it: buffer
// widths and depths, address widths, the descriptor's bit layout, the top
// module's name.
#pragma once

#include <cstdint>
#include <string>

#include "core/baseline_config.h"
#include "core/macro_config.h"

namespace flexcim {

// One tile of a layer as the sequencer reads it (docs/ACCEL.md
// "Descriptors"): the tile's P*R rows are weight-buffer words wbase ..
// wbase+P*R-1 (sub-macro-major), its input vector for token t is
// activation-buffer word abase+t, its outputs for token t go to output row
// orow+t (P*C 32-bit words, lane l at word (orow+t)*P*C + l), written when
// `first` (the first tile along K of its outputs), added otherwise; nlog2 is
// the pattern's log2 N (in_nlog2; 0 on the baselines).
struct TileDescriptor {
  int64_t wbase = 0, abase = 0, orow = 0;
  int nlog2 = 0;
  bool first = false;
  bool operator==(const TileDescriptor&) const = default;
};

struct AccelParams {
  int macros = 2;
  int wbuf_rows = 1024;    // weight-buffer words (one macro row each)
  int abuf_words = 256;    // activation-buffer words (one macro input vector each)
  int obuf_rows = 256;     // output-buffer rows (P*C 32-bit accumulators each)
  int descriptors = 64;    // tile descriptors of one layer
  int max_tokens = 128;    // tokens of one run (cfg_tokens)
};

class AccelConfig {
 public:
  // Throws UsageError naming the flag: "--macros 0: must be in 1..16",
  // "--wbuf-rows 3: must be >= P*R = 8", "--abuf-words 0: must be >= 1", ...
  static AccelConfig Create(Arch arch, const MacroConfig& macro, const AccelParams& params);

  Arch arch() const { return arch_; }
  const MacroConfig& macro() const { return macro_; }
  const AccelParams& params() const { return params_; }
  int macros() const { return params_.macros; }

  // The macro's pins (core/arch_traits TopPorts).
  bool has_pair_select() const;
  bool has_elements() const;
  int tile_rows() const;       // P*R rows written per tile
  int row_index_bits() const;  // log2(P*R)
  int w_field_bits() const;    // wr_w
  int e_field_bits() const;    // wr_e (0 on dense)
  int sel_field_bits() const;  // wr_sel (0 on the baselines)
  int row_bits() const { return w_field_bits() + e_field_bits() + sel_field_bits(); }  // weight-buffer word
  int act_bits() const;        // in_act: activation-buffer word
  int out_lanes() const;       // out_data lanes
  int out_width() const;       // out_data lane width
  int latency() const;         // L
  int initiation_interval() const;
  int write_latency() const { return macro_.write_latency(); }  // Lw of FLEXCIM.md 5b
  int max_nlog2() const;       // log2 P (flexcim), 0 on the baselines

  // Address and counter widths (at least 1 bit).
  int wbuf_addr_bits() const;
  int abuf_addr_bits() const;
  int orow_bits() const;
  int obuf_addr_bits() const;  // words: obuf_rows * out_lanes
  int desc_addr_bits() const;  // descriptor index
  int tile_count_bits() const;   // cfg_tiles: 0..descriptors
  int token_count_bits() const;  // cfg_tokens: 0..max_tokens

  // Descriptor bit layout, LSB first: wbase, abase, orow, nlog2 (4 bits), first.
  int desc_wbase_lsb() const { return 0; }
  int desc_abase_lsb() const { return wbuf_addr_bits(); }
  int desc_orow_lsb() const { return desc_abase_lsb() + abuf_addr_bits(); }
  int desc_nlog2_lsb() const { return desc_orow_lsb() + orow_bits(); }
  int desc_first_lsb() const { return desc_nlog2_lsb() + 4; }
  int desc_bits() const { return desc_first_lsb() + 1; }
  // The descriptor's bits (fields must fit their widths: checked by the caller).
  uint64_t PackDescriptor(const TileDescriptor& d) const;
  TileDescriptor UnpackDescriptor(uint64_t bits) const;

  // "q2_wb1024_ab256_ob256_d64_t128" and the top module,
  // "accel_<macro configuration name>_<that>".
  std::string SizeName() const;
  std::string MacroName() const;  // p2_r4_c4_g4_a8_w8 / dense_p2_r4_c4_a8_w8
  std::string TopName() const;
  std::string Flags() const;  // the flags of `flexcim gen --accel` that reproduce it

 private:
  AccelConfig(Arch arch, const MacroConfig& macro, const AccelParams& params)
      : arch_(arch), macro_(macro), params_(params) {}
  Arch arch_;
  MacroConfig macro_;
  AccelParams params_;
};

}  // namespace flexcim
