#include "flow_pruner/nm_mask.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/errors.h"

namespace flexcim::pruner {

namespace {

void RequireShape(int rows, int cols, size_t size, std::string_view what) {
  if (rows < 0 || cols < 0 || size != static_cast<size_t>(rows) * cols) {
    throw UsageError(fmt::format("{}: {} values for a {}x{} matrix", what, size, rows, cols));
  }
}

void RequirePattern(const NmPattern& p, std::string_view what) {
  if (p.n < 1 || p.m < 1 || p.n > p.m) {
    throw UsageError(fmt::format("{}: pattern {} must be N:M with 1 <= N <= M", what, p.ToString()));
  }
}

void RequirePairs(const NmPattern& p, std::string_view what) {
  if (!p.dense() && p.m % 2 != 0) {
    throw UsageError(fmt::format(
        "{}: pattern {} needs an even M (the hardware selects pairs of inputs)", what,
        p.ToString()));
  }
}

void RequireSelGroup(int g, std::string_view what) {
  if (g < 1) throw UsageError(fmt::format("{}: select group G = {} must be >= 1", what, g));
}

void RequireScores(const Matrix& s, std::string_view what) {
  RequireShape(s.rows, s.cols, s.data.size(), what);
  for (size_t i = 0; i < s.data.size(); ++i) {
    if (!std::isfinite(s.data[i]) || s.data[i] < 0) {
      throw Error(fmt::format("{}: score[{}][{}] = {} must be finite and >= 0", what,
                              i / s.cols, i % s.cols, s.data[i]));
    }
  }
}

Mask AllKept(const Matrix& s) { return Mask(s.data.size(), 1); }

struct Take {
  double gain;
  int second;  // 0 = first take of the pair, 1 = second take
  int pair;
};

}  // namespace

Mask FreeNmMask(const Matrix& scores, const NmPattern& pattern) {
  RequirePattern(pattern, "FreeNmMask");
  RequireScores(scores, "FreeNmMask");
  if (pattern.dense()) return AllKept(scores);
  const int m = pattern.m, n = pattern.n;
  Mask mask(scores.data.size(), 0);
  std::vector<int> idx;
  idx.reserve(m);
  for (int r = 0; r < scores.rows; ++r) {
    const float* s = scores.row(r);
    uint8_t* out = mask.data() + static_cast<size_t>(r) * scores.cols;
    for (int g0 = 0; g0 < scores.cols; g0 += m) {
      const int real = std::min(m, scores.cols - g0);
      idx.resize(real);
      std::iota(idx.begin(), idx.end(), g0);
      const int keep = std::min(n, real);
      std::partial_sort(idx.begin(), idx.begin() + keep, idx.end(), [&](int a, int b) {
        return s[a] != s[b] ? s[a] > s[b] : a < b;
      });
      for (int k = 0; k < keep; ++k) out[idx[k]] = 1;
    }
  }
  return mask;
}

Mask LegalNmMask(const Matrix& scores, const NmPattern& pattern, int sel_group) {
  RequirePattern(pattern, "LegalNmMask");
  RequirePairs(pattern, "LegalNmMask");
  RequireSelGroup(sel_group, "LegalNmMask");
  RequireScores(scores, "LegalNmMask");
  if (pattern.dense()) return AllKept(scores);
  const int m = pattern.m, n = pattern.n, pairs = m / 2;
  const int rows = scores.rows, cols = scores.cols;
  Mask mask(scores.data.size(), 0);
  std::vector<Take> takes(2 * pairs);
  std::vector<int> count(pairs);
  for (int g0 = 0; g0 < cols; g0 += m) {
    const int real = std::min(m, cols - g0);
    // Score of element i of the group for output o; padded positions score 0.
    auto score = [&](int o, int i) -> double { return i < real ? scores.at(o, g0 + i) : 0.0; };
    for (int o0 = 0; o0 < rows; o0 += sel_group) {
      const int o1 = std::min(rows, o0 + sel_group);
      for (int p = 0; p < pairs; ++p) {
        double hi = 0, lo = 0;
        for (int o = o0; o < o1; ++o) {
          const double a = score(o, 2 * p), b = score(o, 2 * p + 1);
          hi += std::max(a, b);
          lo += std::min(a, b);
        }
        takes[2 * p] = {hi, 0, p};
        takes[2 * p + 1] = {lo, 1, p};
      }
      // Largest gain first; ties: first takes, then lower pair. Since
      // lo <= hi, a pair's second take always sorts after its first.
      std::partial_sort(takes.begin(), takes.begin() + n, takes.end(),
                        [](const Take& x, const Take& y) {
                          if (x.gain != y.gain) return x.gain > y.gain;
                          if (x.second != y.second) return x.second < y.second;
                          return x.pair < y.pair;
                        });
      std::fill(count.begin(), count.end(), 0);
      for (int k = 0; k < n; ++k) ++count[takes[k].pair];
      for (int o = o0; o < o1; ++o) {
        uint8_t* out = mask.data() + static_cast<size_t>(o) * cols + g0;
        for (int p = 0; p < pairs; ++p) {
          if (count[p] == 0) continue;
          const int e0 = 2 * p, e1 = 2 * p + 1;
          if (count[p] >= 2) {
            if (e0 < real) out[e0] = 1;
            if (e1 < real) out[e1] = 1;
          } else {
            const int e = score(o, e0) >= score(o, e1) ? e0 : e1;
            if (e < real) out[e] = 1;
          }
        }
      }
    }
  }
  return mask;
}

bool IsLegalMask(std::span<const uint8_t> mask, int rows, int cols, const NmPattern& pattern,
                 int sel_group, std::string* why) {
  RequireShape(rows, cols, mask.size(), "IsLegalMask");
  RequirePattern(pattern, "IsLegalMask");
  RequirePairs(pattern, "IsLegalMask");
  RequireSelGroup(sel_group, "IsLegalMask");
  auto fail = [&](std::string msg) {
    if (why != nullptr) *why = std::move(msg);
    return false;
  };
  for (size_t i = 0; i < mask.size(); ++i) {
    if (mask[i] > 1) {
      return fail(fmt::format("mask[{}][{}] = {} is not 0 or 1", i / cols, i % cols, mask[i]));
    }
  }
  if (pattern.dense()) return true;
  const int m = pattern.m, n = pattern.n, pairs = m / 2;
  std::vector<int> need(pairs);
  for (int g0 = 0; g0 < cols; g0 += m) {
    const int real = std::min(m, cols - g0);
    for (int o0 = 0; o0 < rows; o0 += sel_group) {
      const int o1 = std::min(rows, o0 + sel_group);
      std::fill(need.begin(), need.end(), 0);
      for (int o = o0; o < o1; ++o) {
        const uint8_t* row = mask.data() + static_cast<size_t>(o) * cols + g0;
        for (int p = 0; p < pairs; ++p) {
          int kept = 0;
          for (int e = 2 * p; e <= 2 * p + 1; ++e) kept += (e < real && row[e]) ? 1 : 0;
          need[p] = std::max(need[p], kept);
        }
      }
      const int slots = std::accumulate(need.begin(), need.end(), 0);
      if (slots > n) {
        return fail(fmt::format(
            "inputs {}..{} of outputs {}..{} need {} pair slots, pattern {} has {} (G = {})", g0,
            g0 + real - 1, o0, o1 - 1, slots, pattern.ToString(), n, sel_group));
      }
    }
  }
  return true;
}

void ApplyMask(Matrix& weight, std::span<const uint8_t> mask) {
  RequireShape(weight.rows, weight.cols, weight.data.size(), "ApplyMask weight");
  if (mask.size() != weight.data.size()) {
    throw UsageError(fmt::format("ApplyMask: mask of {} entries for a {}x{} weight", mask.size(),
                                 weight.rows, weight.cols));
  }
  for (size_t i = 0; i < mask.size(); ++i) {
    if (!mask[i]) weight.data[i] = 0.0f;
  }
}

int64_t KeptCount(std::span<const uint8_t> mask) {
  int64_t k = 0;
  for (uint8_t v : mask) k += v != 0;
  return k;
}

}  // namespace flexcim::pruner
