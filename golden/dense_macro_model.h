// DenseMacroModel: the dense DCiM baseline (FLEXCIM.md section 6) as plain
// loops: P*R rows x C columns of W-bit weights, no metadata, row r gets
// activation x[r] (in_act lane r), out[c] = sum over r of w[r][c] * x[r].
// Timing (reset, latency 1 + log2(P*R), write-after-vector) is BaselineModel's.
#pragma once

#include <cstdint>
#include <vector>

#include "golden/baseline_model.h"

namespace flexcim::golden {

class DenseMacroModel final : public BaselineModel {
 public:
  // config.arch() must be Arch::kDense (throws Error otherwise). Weights
  // start at zero.
  explicit DenseMacroModel(const BaselineConfig& config);

  int32_t weight(int r, int c) const { return w_[r * config().cols() + c]; }

  std::vector<int64_t> Compute(const std::vector<int32_t>& act) const override;
  // `e` is ignored (dense has no element bits).
  void WriteRow(int row, const std::vector<int32_t>& w, const std::vector<uint8_t>& e) override;

 private:
  std::vector<int32_t> w_;  // [r][c]
};

}  // namespace flexcim::golden
