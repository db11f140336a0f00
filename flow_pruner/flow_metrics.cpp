#include "flow_pruner/flow_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/errors.h"

namespace flexcim::pruner {

namespace {

using Int128 = __int128;

void RequireWellFormed(const Matrix& m, std::string_view what) {
  if (m.rows < 0 || m.cols < 0 || m.data.size() != static_cast<size_t>(m.rows) * m.cols) {
    throw UsageError(fmt::format("{}: matrix {}x{} holds {} values, expected rows*cols", what,
                                 m.rows, m.cols, m.data.size()));
  }
}

// Sum over all unordered pairs of |p_a - p_b| from the running sums of a
// strictly increasing sequence: sum_k p_k (2k - n + 1) = 2*sum k*p_k - (n-1)*sum p_k.
double MeanFromSums(Int128 sum_p, Int128 sum_kp, int64_t n) {
  const Int128 total = 2 * sum_kp - static_cast<Int128>(n - 1) * sum_p;
  const Int128 pairs = static_cast<Int128>(n) * (n - 1) / 2;
  return static_cast<double>(static_cast<long double>(total) / static_cast<long double>(pairs));
}

}  // namespace

Matrix WandaMetric(const Matrix& weight, std::span<const double> act_sq) {
  RequireWellFormed(weight, "WandaMetric weight");
  if (act_sq.size() != static_cast<size_t>(weight.cols)) {
    throw UsageError(fmt::format(
        "WandaMetric: {} activation statistics for a weight with {} input channels",
        act_sq.size(), weight.cols));
  }
  std::vector<double> root(act_sq.size());
  for (size_t j = 0; j < act_sq.size(); ++j) {
    if (!std::isfinite(act_sq[j]) || act_sq[j] < 0) {
      throw Error(fmt::format("WandaMetric: activation statistic S[{}] = {} must be finite and >= 0",
                              j, act_sq[j]));
    }
    root[j] = std::sqrt(act_sq[j]);
  }
  Matrix out(weight.rows, weight.cols);
  for (int r = 0; r < weight.rows; ++r) {
    const float* w = weight.row(r);
    float* o = out.row(r);
    for (int c = 0; c < weight.cols; ++c) {
      if (!std::isfinite(w[c])) {
        throw Error(fmt::format("WandaMetric: weight[{}][{}] = {} is not finite", r, c, w[c]));
      }
      o[c] = static_cast<float>(std::fabs(static_cast<double>(w[c])) * root[c]);
    }
  }
  return out;
}

OutlierStats BlockOutlierStats(std::span<const Matrix* const> layers,
                               const OutlierOptions& options) {
  if (!std::isfinite(options.hyper_m) || options.hyper_m < 0) {
    throw UsageError(fmt::format("--hyper-m {}: must be finite and >= 0", options.hyper_m));
  }
  if (options.max_locality_outliers < 0) {
    throw UsageError(fmt::format("max_locality_outliers {}: must be >= 0 (0 = all outliers)",
                                 options.max_locality_outliers));
  }
  if (layers.empty()) throw UsageError("BlockOutlierStats: a block needs at least one layer");

  OutlierStats stats;
  long double sum = 0;
  for (size_t l = 0; l < layers.size(); ++l) {
    if (layers[l] == nullptr) {
      throw UsageError(fmt::format("BlockOutlierStats: layer {} is null", l));
    }
    RequireWellFormed(*layers[l], fmt::format("BlockOutlierStats layer {}", l));
    for (size_t i = 0; i < layers[l]->data.size(); ++i) {
      const float v = layers[l]->data[i];
      if (!std::isfinite(v)) {
        throw Error(fmt::format("BlockOutlierStats: layer {} metric at flat index {} = {} is not "
                                "finite",
                                l, i, v));
      }
      sum += v;
    }
    stats.total += static_cast<int64_t>(layers[l]->data.size());
  }
  if (stats.total == 0) throw UsageError("BlockOutlierStats: the block has no metric values");

  const double mean = static_cast<double>(sum / stats.total);
  const double threshold = options.hyper_m * mean;
  const int64_t cap = options.max_locality_outliers;

  Int128 sum_p = 0, sum_kp = 0;
  int64_t base = 0;
  for (const Matrix* layer : layers) {
    for (size_t i = 0; i < layer->data.size(); ++i) {
      if (static_cast<double>(layer->data[i]) > threshold) {
        const int64_t k = stats.outliers++;
        if (cap == 0 || k < cap) {
          const Int128 pos = base + static_cast<int64_t>(i);
          sum_p += pos;
          sum_kp += static_cast<Int128>(k) * pos;
          ++stats.locality_outliers;
        }
      }
    }
    base += static_cast<int64_t>(layer->data.size());
  }

  stats.ratio_percent = 100.0 * static_cast<double>(stats.outliers) / static_cast<double>(stats.total);
  if (stats.locality_outliers < 2) {
    stats.locality = 0.0;
    stats.locality_defined = false;
  } else {
    stats.locality = 1.0 / MeanFromSums(sum_p, sum_kp, stats.locality_outliers);
  }
  return stats;
}

double MeanPairwiseDistance(std::span<const int64_t> sorted_positions) {
  const int64_t n = static_cast<int64_t>(sorted_positions.size());
  if (n < 2) {
    throw UsageError(fmt::format("MeanPairwiseDistance: needs at least 2 positions, got {}", n));
  }
  Int128 sum_p = 0, sum_kp = 0;
  for (int64_t k = 0; k < n; ++k) {
    const int64_t p = sorted_positions[k];
    if (p < 0) throw UsageError(fmt::format("MeanPairwiseDistance: position[{}] = {} < 0", k, p));
    if (k > 0 && p <= sorted_positions[k - 1]) {
      throw UsageError(fmt::format(
          "MeanPairwiseDistance: positions must be strictly increasing, position[{}] = {} after {}",
          k, p, sorted_positions[k - 1]));
    }
    sum_p += p;
    sum_kp += static_cast<Int128>(k) * p;
  }
  return MeanFromSums(sum_p, sum_kp, n);
}

Normalized NormalizeAcrossBlocks(std::span<const double> values, double lamda) {
  if (!std::isfinite(lamda) || lamda <= 0) {
    throw UsageError(fmt::format("--lamda {}: must be finite and > 0", lamda));
  }
  if (values.empty()) throw UsageError("NormalizeAcrossBlocks: no blocks");
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw UsageError(fmt::format("NormalizeAcrossBlocks: value of block {} = {} is not finite",
                                   i, values[i]));
    }
  }
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  const double min = *lo, max = *hi;
  Normalized out;
  out.values.resize(values.size());
  if (max == min) {
    std::fill(out.values.begin(), out.values.end(), 0.5);
    out.all_equal = true;
    return out;
  }
  for (size_t i = 0; i < values.size(); ++i) {
    out.values[i] = std::clamp((values[i] - min) / (max - min), 0.0, 1.0);
  }
  return out;
}

}  // namespace flexcim::pruner
