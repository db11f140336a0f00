#include "golden/dense_macro_model.h"

#include "core/errors.h"

namespace flexcim::golden {

DenseMacroModel::DenseMacroModel(const BaselineConfig& config)
    : BaselineModel(config), w_(static_cast<size_t>(config.cells()), 0) {
  if (config.arch() != Arch::kDense) throw Error("DenseMacroModel: config is not dense");
}

std::vector<int64_t> DenseMacroModel::Compute(const std::vector<int32_t>& act) const {
  CheckActivations(act);
  const int rows = config().rows(), cols = config().cols();
  std::vector<int64_t> out(static_cast<size_t>(cols), 0);
  for (int c = 0; c < cols; ++c) {
    int64_t sum = 0;
    for (int r = 0; r < rows; ++r) {
      const int64_t prod = int64_t{weight(r, c)} * act[r];
      CheckProduct(r, c, prod);
      sum += prod;
    }
    CheckColumnSum(c, sum);
    out[c] = sum;
  }
  return out;
}

void DenseMacroModel::WriteRow(int row, const std::vector<int32_t>& w,
                               const std::vector<uint8_t>& /*e*/) {
  CheckRow(row);
  CheckWeights(w);
  for (int c = 0; c < config().cols(); ++c) w_[row * config().cols() + c] = w[c];
}

}  // namespace flexcim::golden
