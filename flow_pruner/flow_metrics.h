// FLOW block statistics (FLEXCIM.md section 7): the Wanda metric, a block's
// outlier ratio O_i and outlier locality D_i, and the min-max normalisation
// across blocks that feeds the FLOW objective. See docs/FLOW.md.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "flow_pruner/matrix.h"

namespace flexcim::pruner {

// Wanda's score |W_ij| * sqrt(S_j), S_j = mean over calibration samples of the
// sum over the sample's tokens of x_j^2 (one entry per input channel, so
// act_sq.size() == weight.cols). Computed in double, stored as float.
// Throws UsageError when the sizes differ, Error when S_j is negative or
// not finite or W_ij is not finite.
Matrix WandaMetric(const Matrix& weight, std::span<const double> act_sq);

struct OutlierOptions {
  // A metric value is an outlier when it is strictly above hyper_m * mean,
  // mean over every metric of the block. OWL's default is 5; the reference
  // README uses 0.5 (solver) and 3 (pruner).
  double hyper_m = 5.0;
  // 0: locality over every outlier (exact). k > 0: only the first k outliers
  // in position order, for parity with the reference (which uses 10000).
  int64_t max_locality_outliers = 0;
};

inline constexpr int64_t kReferenceLocalityOutliers = 10000;

struct OutlierStats {
  double ratio_percent = 0.0;  // O_i in [0, 100]
  double locality = 0.0;       // D_i = 1 / mean pairwise distance; 0 if undefined
  int64_t outliers = 0;        // number of outliers in the block
  int64_t total = 0;           // number of metric values in the block
  int64_t locality_outliers = 0;  // outliers the locality was computed over
  bool locality_defined = true;   // false when fewer than 2 outliers (warn)
};

// Statistics of one transformer block. `layers` are the block's metric
// matrices in the reference order q, k, v, o, gate (w1), up (w3), down (w2);
// each is flattened row-major [out][in] and they are concatenated, which
// defines the outlier positions. Throws UsageError on an empty block, a null
// or malformed matrix, hyper_m not finite, or max_locality_outliers < 0;
// Error on a non-finite metric value.
OutlierStats BlockOutlierStats(std::span<const Matrix* const> layers,
                               const OutlierOptions& options);

// Mean of |p_a - p_b| over all n(n-1)/2 unordered pairs of distinct entries of
// `sorted_positions` (strictly increasing), in O(n):
//   sum_k p_k * (2k - n + 1) / (n(n-1)/2),
// accumulated exactly in 128-bit integers. Throws UsageError when n < 2, a
// position is negative or the positions are not strictly increasing.
double MeanPairwiseDistance(std::span<const int64_t> sorted_positions);

struct Normalized {
  std::vector<double> values;  // in [0, 1]
  bool all_equal = false;      // every input equal: every value is 0.5 (warn)
};

// The reference's normalisation across blocks: scale to [0, lamda] by
// min-max, centre on the mean, then min-max to [0, 1]. The last step cancels
// the first two, so this is plain min-max (v - min) / (max - min); `lamda`
// is validated (finite, > 0) but has no effect on the result. When all
// values are equal the reference divides 0 by 0; here every block gets 0.5
// and all_equal is set. Throws UsageError on an empty input, a non-finite
// value or a bad lamda.
Normalized NormalizeAcrossBlocks(std::span<const double> values, double lamda = 1.0);

}  // namespace flexcim::pruner
