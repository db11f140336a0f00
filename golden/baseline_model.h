// BaselineModel: the golden model of both section 6 baselines (FLEXCIM.md
// 6, docs/ARCHITECTURE.md "Baselines") as plain loops over one P*R x C
// array of W-bit weights, the architecture deciding only what a cell
// multiplies (BaselineConfig::has_elements()):
// - dense: row r gets x[r] (in_act lane r), out[c] = sum_r w[r][c] * x[r];
// - sparse12 (fixed 1:2): each cell also holds an element bit e, row r gets
//   the pair (x[r][0], x[r][1]) (lanes 2r, 2r+1),
//   out[c] = sum_r w[r][c] * x[r][e[r][c]].
// The edge-by-edge behaviour is PinLevelModel's, the same as FlexCiM's
// CycleModel (L = BaselineConfig::pipeline_latency() = 1 + log2(P*R), plus
// A + 1 for bit-serial cells). The pins are golden::CycleInput's (wr_row
// addresses an array row; wr_sub, wr_sel, in_nlog2 are ignored, and wr_e
// too for dense).
#pragma once

#include <cstdint>
#include <vector>

#include "core/baseline_config.h"
#include "golden/cycle_input.h"
#include "golden/pin_level_model.h"

namespace flexcim::golden {

class BaselineModel final : public PinLevelModel {
 public:
  // Weights (and element bits) start at zero.
  explicit BaselineModel(const BaselineConfig& config);

  const BaselineConfig& config() const { return config_; }
  int32_t weight(int r, int c) const { return w_[r * config_.cols() + c]; }
  int element(int r, int c) const { return config_.has_elements() ? e_[r * config_.cols() + c] : 0; }

  // The column sums of one input vector (C lanes), from the current storage.
  // Throws flexcim::Error for a wrong lane count or an out-of-range
  // activation; asserts every product and sum fits its width.
  std::vector<int64_t> Compute(const std::vector<int32_t>& act) const;
  // One array row as the wr_* pins carry it; validates everything first
  // (a rejected write changes nothing). Sparse12: `e` has C bits, each 0
  // or 1; dense ignores it.
  void WriteRow(int row, const std::vector<int32_t>& w, const std::vector<uint8_t>& e);

 private:
  std::vector<int64_t> ComputeVector(const CycleInput& in) const override { return Compute(in.in_act); }
  void CheckWrite(const CycleInput& in) const override;
  void ApplyWrite(const CycleInput& in) override { WriteRow(in.wr_row, in.wr_w, in.wr_e); }

  void CheckRow(int row) const;
  void CheckWeights(const std::vector<int32_t>& w) const;
  void CheckElements(const std::vector<uint8_t>& e) const;
  void CheckActivations(const std::vector<int32_t>& act) const;
  // Throws when a product / column sum does not fit A+W / O bits.
  void CheckProduct(int r, int c, int64_t product) const;
  void CheckColumnSum(int c, int64_t sum) const;

  BaselineConfig config_;
  std::vector<int32_t> w_;  // [r][c]
  std::vector<uint8_t> e_;  // [r][c], sparse12 only
};

}  // namespace flexcim::golden
