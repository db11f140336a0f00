// Sparse12MacroModel: the fixed 1:2 sparse DCiM baseline (FLEXCIM.md
// section 6) as plain loops: P*R rows x C columns, each cell a W-bit weight
// and an element bit e, row r gets the activation pair (x[r][0], x[r][1])
// (in_act lanes 2r, 2r+1), out[c] = sum over r of w[r][c] * x[r][e[r][c]].
// No pair selection, no merging. Timing is BaselineModel's.
#pragma once

#include <cstdint>
#include <vector>

#include "golden/baseline_model.h"

namespace flexcim::golden {

class Sparse12MacroModel final : public BaselineModel {
 public:
  // config.arch() must be Arch::kSparse12 (throws Error otherwise). Weights
  // and element bits start at zero.
  explicit Sparse12MacroModel(const BaselineConfig& config);

  int32_t weight(int r, int c) const { return w_[r * config().cols() + c]; }
  int element(int r, int c) const { return e_[r * config().cols() + c]; }

  std::vector<int64_t> Compute(const std::vector<int32_t>& act) const override;
  // `e` must have C bits, each 0 or 1.
  void WriteRow(int row, const std::vector<int32_t>& w, const std::vector<uint8_t>& e) override;

 private:
  std::vector<int32_t> w_;  // [r][c]
  std::vector<uint8_t> e_;  // [r][c]
};

}  // namespace flexcim::golden
