#include "golden/reference_model.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "golden/range_check.h"

namespace flexcim::golden {

void RequireValidNlog2(const MacroConfig& config, int nlog2) {
  if (nlog2 >= 0 && nlog2 <= config.max_nlog2()) return;
  RequireInRange("in_nlog2", nlog2, 0, config.max_nlog2(), fmt::format("P = {}", config.subs()));
}

void RequireValidActivations(const MacroConfig& config, const int32_t* act, size_t lanes) {
  if (lanes != static_cast<size_t>(config.act_lanes())) {
    throw Error(fmt::format("in_act has {} lanes: must have R*2P = {}", lanes, config.act_lanes()));
  }
  const int64_t lo = SignedMin(config.a_bits());
  const int64_t hi = SignedMax(config.a_bits());
  for (size_t lane = 0; lane < lanes; ++lane) {
    if (act[lane] < lo || act[lane] > hi) {
      const int r = static_cast<int>(lane) / config.window();
      const int i = static_cast<int>(lane) % config.window();
      RequireInRange(fmt::format("in_act lane {} (x[{}][{}])", lane, r, i), act[lane], lo, hi,
                     fmt::format("A = {}", config.a_bits()));
    }
  }
}

std::vector<int64_t> ReferenceCompute(const MacroStorage& storage, const std::vector<int32_t>& act,
                                      int nlog2) {
  const MacroConfig& config = storage.config();
  RequireValidNlog2(config, nlog2);
  RequireValidActivations(config, act.data(), act.size());
  const int P = config.subs(), R = config.rows(), C = config.cols(), G = config.sel_group();
  const int N = 1 << nlog2;
  auto x = [&](int r, int i) -> int64_t { return act[r * config.window() + i]; };

  // Steps 1-3: distribution, cell product, column sum.
  std::vector<int64_t> col(static_cast<size_t>(P) * C, 0);
  for (int k = 0; k < P; ++k) {
    for (int c = 0; c < C; ++c) {
      int64_t sum = 0;
      for (int r = 0; r < R; ++r) {
        const int s = storage.select(k, r, c / G);
        const int64_t prod = storage.weight(k, r, c) * x(r, 2 * s + storage.element(k, r, c));
        if (!FitsSigned(prod, config.product_width())) {
          throw Error(
              fmt::format("golden: product prod[{}][{}][{}] = {} does not fit A+W = {} bits", k, r,
                          c, prod, config.product_width()));
        }
        sum += prod;
      }
      if (!FitsSigned(sum, config.column_sum_width())) {
        throw Error(
            fmt::format("golden: column sum col[{}][{}] = {} does not fit A+W+log2R = {} bits", k,
                        c, sum, config.column_sum_width()));
      }
      col[k * C + c] = sum;
    }
  }

  // Step 4: merging in aligned groups of N sub-macros; blocks b >= P/N are 0.
  std::vector<int64_t> out(static_cast<size_t>(P) * C, 0);
  for (int b = 0; b < P / N; ++b) {
    for (int c = 0; c < C; ++c) {
      int64_t sum = 0;
      for (int j = 0; j < N; ++j) sum += col[(b * N + j) * C + c];
      if (!FitsSigned(sum, config.output_width())) {
        throw Error(fmt::format("golden: output out[{}][{}] = {} does not fit O = {} bits", b, c,
                                sum, config.output_width()));
      }
      out[b * C + c] = sum;
    }
  }
  return out;
}

}  // namespace flexcim::golden
