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
  int leaves = 0;              // level 1: P * C / columns_per_leaf
  int roots = 0;               // level 1: max(1, leaves / 64)
  int leaves_per_root = 0;     // leaves / roots (<= 64)

  static MergeControlPlan For(const MacroConfig& config);

  // Merge level l controls only lanes below (P >> (l-1)) * C: the lanes
  // above are zero already whenever level l merges (they were zeroed at
  // level l-1 for the same vector, since l <= log2 N implies l-1 <= log2 N),
  // so level l passes them on without a mux. Its leaves are the first
  // leaves >> (l-1) of level 1's, its roots max(1, those / 64).
  int LevelLeaves(int level) const { return leaves >> (level - 1); }
  int LevelRoots(int level) const {
    return LevelLeaves(level) > kMaxControlFanout ? LevelLeaves(level) / kMaxControlFanout : 1;
  }
  int LevelLeavesPerRoot(int level) const { return LevelLeaves(level) / LevelRoots(level); }
  // First lane level l does not control (P >> (l-1)) * C = lanes >> (l-1).
  int LevelControlledLanes(int level) const { return (leaves * columns_per_leaf) >> (level - 1); }

  // Flip-flops of the control registers over all levels.
  int control_registers() const {
    int n = 0;
    for (int l = 1; l <= levels; ++l) n += LevelLeaves(l) + LevelRoots(l);
    return n;
  }
};

}  // namespace flexcim::gen
