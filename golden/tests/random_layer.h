// Random layers with masks legal for a select group (for the mapping tests).
#pragma once

#include <algorithm>
#include <numeric>
#include <vector>

#include "core/nm_pattern.h"
#include "golden/tests/test_util.h"
#include "golden/tile_mapping.h"

namespace flexcim::golden::testing {

// Pruned positions get random in-range junk weights (they must be ignored).
inline LayerWeights RandomWeights(int out, int in, int w_bits, RandomValues& rv) {
  LayerWeights l;
  l.out_features = out;
  l.in_features = in;
  l.weights.resize(static_cast<size_t>(out) * in);
  l.keep.assign(l.weights.size(), 0);
  for (auto& w : l.weights) w = rv.Signed(w_bits);
  return l;
}

// Free N:M mask (legal for G = 1): every row and group of M keeps a random
// subset of at most N real positions (usually exactly N).
inline void FreeMask(LayerWeights& l, const NmPattern& hw, RandomValues& rv) {
  const int M = hw.m;
  for (int o = 0; o < l.out_features; ++o) {
    for (int g0 = 0; g0 < l.in_features; g0 += M) {
      std::vector<int> pos(M);
      std::iota(pos.begin(), pos.end(), g0);
      std::shuffle(pos.begin(), pos.end(), rv.engine());
      const int keep = rv.Chance(85) ? hw.n : static_cast<int>(rv.Uniform(0, hw.n));
      for (int j = 0; j < keep; ++j) {
        if (pos[j] < l.in_features) l.keep[static_cast<size_t>(o) * l.in_features + pos[j]] = 1;
      }
    }
  }
}

// A mask legal for select group G: per (select group, input group) draw at
// most N slots (pairs, each at most twice), then every output keeps a random
// part of what those slots cover.
inline void LegalMask(LayerWeights& l, const NmPattern& hw, int G, RandomValues& rv) {
  const int M = hw.m, pairs = M / 2;
  for (int o0 = 0; o0 < l.out_features; o0 += G) {
    for (int g0 = 0; g0 < l.in_features; g0 += M) {
      std::vector<int> mult(pairs, 0);
      for (int s = 0; s < hw.n; ++s) {
        if (!rv.Chance(90)) continue;
        const int p = static_cast<int>(rv.Uniform(0, pairs - 1));
        if (mult[p] < 2) ++mult[p];
      }
      for (int o = o0; o < std::min(o0 + G, l.out_features); ++o) {
        for (int p = 0; p < pairs; ++p) {
          std::vector<int> take;
          if (mult[p] == 1) take.push_back(static_cast<int>(rv.Uniform(0, 1)));
          if (mult[p] == 2) take = {0, 1};
          for (int e : take) {
            const int i = g0 + 2 * p + e;
            if (i < l.in_features && rv.Chance(90)) {
              l.keep[static_cast<size_t>(o) * l.in_features + i] = 1;
            }
          }
        }
      }
    }
  }
}

}  // namespace flexcim::golden::testing
