// MergeControlPlan: how the merging network's per-level control is
// replicated so that no control net drives more than kMaxControlFanout
// loads (docs/ARCHITECTURE.md "Merging network control").
//
// Merge level l needs one bit per output lane: "sum at this level"
// (l <= log2 N of the vector there). Driving all P*C*O lane muxes of a level
// from one flip-flop made that net the macro's critical path, so the bit is
// registered in two replicated stages (a control register is a separate
// instance of the one-flip-flop module flexcim_merge_ctrl_<cfg>, so Yosys
// cannot merge the copies):
//   edge e-2: root copies   <= (log2 N >= l), roots per level
//   edge e-1: leaf copies   <= their root, P*C/columns_per_leaf per level
//   edge e:   level l lanes <= leaf ? sum : pass (or zero)
// where e is the edge at which merge level l captures the vector. A leaf
// drives the O-bit muxes of columns_per_leaf lanes (one output block b,
// consecutive columns), a root drives at most kMaxControlFanout leaves, and
// the comparator drives the roots.
#pragma once

#include "core/macro_config.h"
#include "generator/fanout_limit.h"

namespace flexcim::gen {

struct MergeControlPlan {
  // Largest number of loads one control net may drive.
  static constexpr int kMaxControlFanout = kMaxGeneratedFanout;
  // The merge module's log2 N input leads its column sums by this many
  // cycles (root and leaf registers).
  static constexpr int kLeadCycles = 2;

  int levels = 0;              // log2 P (0: no merging, no control)
  int columns_per_leaf = 1;    // power of two, columns_per_leaf * O <= 64 unless 1
  int leaves = 0;              // per level: P * C / columns_per_leaf
  int roots = 0;               // per level: max(1, leaves / 64)
  int leaves_per_root = 0;     // leaves / roots (<= 64)

  static MergeControlPlan For(const MacroConfig& config);

  // Flip-flops of the control registers over all levels.
  int control_registers() const { return levels * (leaves + roots); }
};

}  // namespace flexcim::gen
