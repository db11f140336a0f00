#include "golden/sparse12_macro_model.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "golden/range_check.h"

namespace flexcim::golden {

Sparse12MacroModel::Sparse12MacroModel(const BaselineConfig& config)
    : BaselineModel(config),
      w_(static_cast<size_t>(config.cells()), 0),
      e_(static_cast<size_t>(config.cells()), 0) {
  if (config.arch() != Arch::kSparse12) throw Error("Sparse12MacroModel: config is not sparse12");
}

std::vector<int64_t> Sparse12MacroModel::Compute(const std::vector<int32_t>& act) const {
  CheckActivations(act);
  return SumColumns([&](int r, int c) { return int64_t{weight(r, c)} * act[2 * r + element(r, c)]; });
}

void Sparse12MacroModel::WriteRow(int row, const std::vector<int32_t>& w,
                                  const std::vector<uint8_t>& e) {
  const int cols = config().cols();
  CheckRow(row);
  CheckWeights(w);
  if (static_cast<int>(e.size()) != cols) {
    throw Error(fmt::format("wr_e has {} bits: must have C = {}", e.size(), cols));
  }
  for (int c = 0; c < cols; ++c) {
    if (e[c] > 1) RequireInRange(fmt::format("wr_e bit {}", c), e[c], 0, 1, "");
  }
  for (int c = 0; c < cols; ++c) {
    w_[row * cols + c] = w[c];
    e_[row * cols + c] = e[c];
  }
}

}  // namespace flexcim::golden
