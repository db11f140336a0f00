// BaselineCycleInput: the pins of dense_top / sparse12_top for one rising
// edge (docs/ARCHITECTURE.md "Baselines"). Vectors may be left empty while
// their enable is low.
#pragma once

#include <cstdint>
#include <vector>

namespace flexcim::golden {

struct BaselineCycleInput {
  bool rst_n = true;
  bool wr_en = false;
  int wr_row = 0;               // array row, 0..P*R-1
  std::vector<int32_t> wr_w;    // C lanes
  std::vector<uint8_t> wr_e;    // C bits (sparse12; dense has no wr_e pin)
  bool in_valid = false;
  std::vector<int32_t> in_act;  // P*R lanes (dense) or P*R*2 (sparse12, lane 2r+i)
};

}  // namespace flexcim::golden
