#include "golden/dense_macro_model.h"

#include "core/errors.h"

namespace flexcim::golden {

DenseMacroModel::DenseMacroModel(const BaselineConfig& config)
    : BaselineModel(config), w_(static_cast<size_t>(config.cells()), 0) {
  if (config.arch() != Arch::kDense) throw Error("DenseMacroModel: config is not dense");
}

std::vector<int64_t> DenseMacroModel::Compute(const std::vector<int32_t>& act) const {
  CheckActivations(act);
  return SumColumns([&](int r, int c) { return int64_t{weight(r, c)} * act[r]; });
}

void DenseMacroModel::WriteRow(int row, const std::vector<int32_t>& w,
                               const std::vector<uint8_t>& /*e*/) {
  CheckRow(row);
  CheckWeights(w);
  for (int c = 0; c < config().cols(); ++c) w_[row * config().cols() + c] = w[c];
}

}  // namespace flexcim::golden
