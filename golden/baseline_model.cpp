#include "golden/baseline_model.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "golden/range_check.h"

namespace flexcim::golden {

BaselineModel::BaselineModel(const BaselineConfig& config)
    : PinLevelModel(config.pipeline_latency(), config.initiation_interval(), config.write_latency()),
      config_(config),
      w_(static_cast<size_t>(config.cells()), 0),
      e_(config.has_elements() ? static_cast<size_t>(config.cells()) : 0, 0) {}

std::vector<int64_t> BaselineModel::Compute(const std::vector<int32_t>& act) const {
  CheckActivations(act);
  const int per_row = config_.acts_per_row();  // 1 (dense) or the pair (sparse12)
  std::vector<int64_t> out(static_cast<size_t>(config_.cols()), 0);
  for (int c = 0; c < config_.cols(); ++c) {
    int64_t sum = 0;
    for (int r = 0; r < config_.rows(); ++r) {
      const int64_t product = int64_t{weight(r, c)} * act[per_row * r + element(r, c)];
      CheckProduct(r, c, product);
      sum += product;
    }
    CheckColumnSum(c, sum);
    out[c] = sum;
  }
  return out;
}

void BaselineModel::CheckWrite(const CycleInput& in) const {
  CheckRow(in.wr_row);
  CheckWeights(in.wr_w);
  if (config_.has_elements()) CheckElements(in.wr_e);
}

void BaselineModel::WriteRow(int row, const std::vector<int32_t>& w, const std::vector<uint8_t>& e) {
  CheckRow(row);
  CheckWeights(w);
  if (config_.has_elements()) CheckElements(e);
  const int cols = config_.cols();
  for (int c = 0; c < cols; ++c) {
    w_[row * cols + c] = w[c];
    if (config_.has_elements()) e_[row * cols + c] = e[c];
  }
}

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

void BaselineModel::CheckElements(const std::vector<uint8_t>& e) const {
  const int cols = config_.cols();
  if (static_cast<int>(e.size()) != cols) {
    throw Error(fmt::format("wr_e has {} bits: must have C = {}", e.size(), cols));
  }
  for (int c = 0; c < cols; ++c) {
    if (e[c] > 1) RequireInRange(fmt::format("wr_e bit {}", c), e[c], 0, 1, "");
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


}  // namespace flexcim::golden
