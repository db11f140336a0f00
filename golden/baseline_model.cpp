#include "golden/baseline_model.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "golden/dense_macro_model.h"
#include "golden/range_check.h"
#include "golden/sparse12_macro_model.h"

namespace flexcim::golden {

void BaselineModel::CheckRow(int row) const {
  if (row >= 0 && row < config_.rows()) return;
  RequireInRange("wr_row", row, 0, config_.rows() - 1, fmt::format("P*R = {}", config_.rows()));
}

void BaselineModel::CheckWeights(const std::vector<int32_t>& w) const {
  const int cols = config_.cols();
  if (static_cast<int>(w.size()) != cols) {
    throw Error(fmt::format("wr_w has {} lanes: must have C = {}", w.size(), cols));
  }
  for (int c = 0; c < cols; ++c) {
    if (!FitsSigned(w[c], config_.w_bits())) {
      RequireInRange(fmt::format("wr_w lane {}", c), w[c], SignedMin(config_.w_bits()),
                     SignedMax(config_.w_bits()), fmt::format("W = {}", config_.w_bits()));
    }
  }
}

void BaselineModel::CheckActivations(const std::vector<int32_t>& act) const {
  const int lanes = config_.act_lanes();
  if (static_cast<int>(act.size()) != lanes) {
    throw Error(fmt::format("in_act has {} lanes: must have {} = {}", act.size(),
                            config_.has_elements() ? "P*R*2" : "P*R", lanes));
  }
  for (int lane = 0; lane < lanes; ++lane) {
    if (FitsSigned(act[lane], config_.a_bits())) continue;
    const std::string x = config_.has_elements() ? fmt::format("x[{}][{}]", lane / 2, lane % 2)
                                                 : fmt::format("x[{}]", lane);
    RequireInRange(fmt::format("in_act lane {} ({})", lane, x), act[lane],
                   SignedMin(config_.a_bits()), SignedMax(config_.a_bits()),
                   fmt::format("A = {}", config_.a_bits()));
  }
}

void BaselineModel::CheckProduct(int r, int c, int64_t product) const {
  if (FitsSigned(product, config_.product_width())) return;
  throw Error(fmt::format("golden: product prod[{}][{}] = {} does not fit A+W = {} bits", r, c,
                          product, config_.product_width()));
}

void BaselineModel::CheckColumnSum(int c, int64_t sum) const {
  if (FitsSigned(sum, config_.output_width())) return;
  throw Error(fmt::format("golden: column sum out[{}] = {} does not fit A+W+log2(P*R) = {} bits",
                          c, sum, config_.output_width()));
}

std::unique_ptr<BaselineModel> MakeBaselineModel(const BaselineConfig& config) {
  if (config.arch() == Arch::kDense) return std::make_unique<DenseMacroModel>(config);
  return std::make_unique<Sparse12MacroModel>(config);
}

}  // namespace flexcim::golden
