// BaselineModel: what the section 6 baselines (dense and fixed 1:2 sparse)
// share. The edge-by-edge behaviour is PinLevelModel's, the same as
// FlexCiM's CycleModel (L = BaselineConfig::pipeline_latency() =
// 1 + log2(P*R), plus A + 1 for bit-serial cells); a vector is the column
// sums over all P*R rows of one product per cell (SumColumns), the cell's
// activation chosen by the subclass. The pins are golden::CycleInput's
// (wr_row addresses an array row; wr_sub, wr_sel, in_nlog2 are ignored).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "core/baseline_config.h"
#include "golden/cycle_input.h"
#include "golden/pin_level_model.h"

namespace flexcim::golden {

class BaselineModel : public PinLevelModel {
 public:
  explicit BaselineModel(const BaselineConfig& config)
      : PinLevelModel(config.pipeline_latency(), config.initiation_interval()), config_(config) {}

  const BaselineConfig& config() const { return config_; }

  // The column sums of one input vector (C lanes), from the current storage.
  // Throws flexcim::Error for a wrong lane count or an out-of-range
  // activation; asserts every product and sum fits its width.
  virtual std::vector<int64_t> Compute(const std::vector<int32_t>& act) const = 0;
  // One array row as the wr_* pins carry it; validates everything first
  // (a rejected write changes nothing). Dense ignores `e`.
  virtual void WriteRow(int row, const std::vector<int32_t>& w, const std::vector<uint8_t>& e) = 0;

 protected:
  // out[c] = sum over the P*R rows of product(r, c), every product and sum
  // checked against its width.
  template <typename Product>
  std::vector<int64_t> SumColumns(Product product) const {
    std::vector<int64_t> out(static_cast<size_t>(config_.cols()), 0);
    for (int c = 0; c < config_.cols(); ++c) {
      int64_t sum = 0;
      for (int r = 0; r < config_.rows(); ++r) {
        const int64_t p = product(r, c);
        CheckProduct(r, c, p);
        sum += p;
      }
      CheckColumnSum(c, sum);
      out[c] = sum;
    }
    return out;
  }
  // Shared checks, messages in the golden model's style.
  void CheckRow(int row) const;
  void CheckWeights(const std::vector<int32_t>& w) const;
  void CheckActivations(const std::vector<int32_t>& act) const;
  // Throws when a product / column sum does not fit A+W / O bits.
  void CheckProduct(int r, int c, int64_t product) const;
  void CheckColumnSum(int c, int64_t sum) const;

 private:
  std::vector<int64_t> ComputeVector(const CycleInput& in) const override { return Compute(in.in_act); }
  void ApplyWrite(const CycleInput& in) override { WriteRow(in.wr_row, in.wr_w, in.wr_e); }

  BaselineConfig config_;
};

// DenseMacroModel or Sparse12MacroModel for config.arch().
std::unique_ptr<BaselineModel> MakeBaselineModel(const BaselineConfig& config);

}  // namespace flexcim::golden
