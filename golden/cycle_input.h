// CycleInput: the input pins of any architecture's top level for one
// rising edge (FLEXCIM.md 5b, docs/ARCHITECTURE.md "Baselines"). A pin the
// architecture does not have (ArchTraits: wr_sub, wr_sel and in_nlog2 for
// the baselines, wr_e for dense) is left at its default and ignored.
// Vectors may be left empty while their enable is low.
#pragma once

#include <cstdint>
#include <vector>

namespace flexcim::golden {

struct CycleInput {
  bool rst_n = true;
  bool wr_en = false;
  int wr_sub = 0;               // flexcim: sub-macro k
  int wr_row = 0;               // flexcim: row of sub-macro k; baselines: array row 0..P*R-1
  std::vector<int32_t> wr_w;    // C lanes
  std::vector<uint8_t> wr_e;    // C bits (flexcim, sparse12)
  std::vector<int> wr_sel;      // C/G lanes (flexcim)
  bool in_valid = false;
  int in_nlog2 = 0;             // flexcim
  std::vector<int32_t> in_act;  // R*2P (flexcim), P*R (dense), P*R*2 (sparse12, lane 2r+i)
};

}  // namespace flexcim::golden
