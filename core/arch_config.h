// ArchConfig: one design of any architecture (FLEXCIM.md 5b and 6) as the
// pin-level layers see it: the architecture, its configuration, and the
// geometry of its pins and pipeline. The co-simulation (DUT wrapper,
// stimulus builder, contract check, stimulus file, toggle rates) and the
// choice of golden model read everything architecture-specific from here,
// so one code path serves flexcim_top, dense_top and sparse12_top. The
// numbers come from MacroConfig (flexcim) or BaselineConfig (baselines);
// nothing is computed twice.
#pragma once

#include <string>
#include <vector>

#include "core/arch_traits.h"
#include "core/macro_config.h"

namespace flexcim {

class ArchConfig {
 public:
  // For a baseline the macro's G is ignored (BaselineConfig::For).
  ArchConfig(Arch arch, const MacroConfig& macro);

  Arch arch() const { return arch_; }
  const ArchTraits& traits() const { return TraitsOf(arch_); }
  const MacroConfig& macro() const { return macro_; }
  // "p4_r16_c16_g16_a8_w8" (flexcim) or "dense_p4_r16_c16_a8_w8": the
  // snapshot directory, the stimulus file's config line, messages.
  const std::string& Name() const { return name_; }
  // The flags that reproduce it with `flexcim gen` / `flexcim verify`.
  std::string Flags() const;
  std::vector<PortSpec> Ports() const { return TopPorts(arch_, macro_); }

  // Writes: a write addresses one of write_subs() x write_rows() storage
  // rows (wr_sub exists only when write_subs() > 1 or the arch has pair
  // selects; baselines address P*R array rows with wr_row alone).
  int write_subs() const { return write_subs_; }
  int write_rows() const { return write_rows_; }
  int row_addr_bits() const { return row_addr_bits_; }
  int sel_bits() const { return sel_bits_; }            // wr_sub and wr_sel lanes; 0 without pair selects
  int select_groups() const { return select_groups_; }  // wr_sel lanes; 0 without pair selects
  int element_lanes() const { return element_lanes_; }  // wr_e bits: C, or 0 (dense)
  int cols() const { return macro_.cols(); }
  int w_bits() const { return macro_.w_bits(); }
  int a_bits() const { return macro_.a_bits(); }
  int act_lanes() const { return act_lanes_; }
  int max_nlog2() const { return max_nlog2_; }  // in_nlog2 of a vector: 0..this (0 without the pin)
  int output_lanes() const { return output_lanes_; }
  int output_width() const { return output_width_; }

  int pipeline_latency() const { return latency_; }  // L of FLEXCIM.md 5b
  int pipeline_register_stages() const { return latency_; }
  int output_edge_offset() const { return latency_ - 1; }
  int initiation_interval() const { return macro_.initiation_interval(); }
  int write_latency() const { return macro_.write_latency(); }  // Lw of FLEXCIM.md 5b
  bool bit_serial() const { return macro_.bit_serial(); }

  bool operator==(const ArchConfig& o) const { return arch_ == o.arch_ && macro_ == o.macro_; }

 private:
  Arch arch_;
  MacroConfig macro_;
  std::string name_;
  int write_subs_, write_rows_, row_addr_bits_, sel_bits_, select_groups_, element_lanes_;
  int act_lanes_, max_nlog2_, output_lanes_, output_width_, latency_;
};

}  // namespace flexcim
