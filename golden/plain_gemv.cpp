#include "golden/plain_gemv.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace flexcim::golden {

PlainGemv::PlainGemv(int outputs, int inputs, std::vector<int8_t> weights)
    : outputs_(outputs), inputs_(inputs), weights_(std::move(weights)) {
  if (outputs < 1 || inputs < 1 ||
      weights_.size() != static_cast<size_t>(outputs) * static_cast<size_t>(inputs)) {
    throw Error(fmt::format("PlainGemv: {} weights for {} outputs x {} inputs", weights_.size(),
                            outputs, inputs));
  }
}

PlainGemv PlainGemv::ForMacro(const MacroConfig& config, std::vector<int8_t> weights) {
  return PlainGemv(config.cols(), config.subs() * config.rows(), std::move(weights));
}

// Compiled for AVX2 as well (picked at load time), so the comparison with
// FastModel's AVX2 kernel is like for like.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void PlainGemv::Compute(const int8_t* x, int32_t* y) const {
  for (int c = 0; c < outputs_; ++c) {
    const int8_t* w = weights_.data() + static_cast<size_t>(c) * inputs_;
    int32_t sum = 0;
    for (int i = 0; i < inputs_; ++i)
      sum += static_cast<int16_t>(w[i]) * static_cast<int16_t>(x[i]);
    y[c] = sum;
  }
}

void PlainGemv::ComputeBatch(const int8_t* x, int count, int32_t* y) const {
  for (int v = 0; v < count; ++v) {
    Compute(x + static_cast<size_t>(v) * inputs_, y + static_cast<size_t>(v) * outputs_);
  }
}

}  // namespace flexcim::golden
