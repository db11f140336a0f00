#include "flow_pruner/layer_search_selection.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <tuple>

#include "core/errors.h"
#include "core/parallel_for.h"
#include "flow_pruner/calibration_stream.h"
#include "flow_pruner/flow_metrics.h"
#include "flow_pruner/forward.h"
#include "flow_pruner/obs_reconstruction.h"

namespace flexcim::pruner {

std::vector<int> SolveWeightedLevels(const std::vector<std::vector<std::pair<int64_t, double>>>& options,
                                     int64_t target) {
  // reach[i][units] = (least cost of items < i+1 adding to units, option of item i).
  struct Entry {
    double cost;
    int option;
  };
  const size_t n = options.size();
  std::vector<std::map<int64_t, Entry>> reach(n);
  std::map<int64_t, Entry> previous{{0, {0.0, -1}}};
  for (size_t i = 0; i < n; ++i) {
    std::map<int64_t, Entry>& next = reach[i];
    for (const auto& [units, entry] : previous) {
      for (size_t k = 0; k < options[i].size(); ++k) {
        const int64_t u = units + options[i][k].first;
        if (u > target) continue;  // units are never negative
        const double c = entry.cost + options[i][k].second;
        auto it = next.find(u);
        if (it == next.end() || c < it->second.cost) next[u] = {c, static_cast<int>(k)};
      }
    }
    previous = next;
  }
  if (n == 0) return {};
  if (!reach[n - 1].count(target)) return {};
  std::vector<int> chosen(n);
  int64_t units = target;
  for (size_t i = n; i-- > 0;) {
    const int k = reach[i].at(units).option;
    chosen[i] = k;
    units -= options[i][k].first;
  }
  return chosen;
}

namespace {

// A level a layer can take: its pattern, its pruned weights (empty for the
// dense level: the model's own) and its single-layer loss increase.
struct LayerLevel {
  int64_t units = 0;  // SearchSparsityUnits of the pattern
  double delta = 0.0;
  NmPattern pattern;
  Matrix weights;
};

}  // namespace

SearchResult SearchLayerAssignment(const LlamaModel& dense, const std::vector<std::vector<int>>& calibration,
                                   const SearchOptions& o) {
  const int L = dense.config.n_layers;
  constexpr int K = kNumLinearKinds;
  SearchStart start = StartSearch(dense, calibration, o, "search (per layer)");
  SearchResult result = start.SeededResult();
  const int P = static_cast<int>(result.candidates.size());
  const int S = static_cast<int>(start.scored.size());
  const NmPattern dense_pattern = start.dense_candidates.empty() ? NmPattern{8, 8} : start.dense_candidates.front();

  // Weights of each layer in units of the greatest common divisor of all sizes.
  int64_t common = 0;
  for (int b = 0; b < L; ++b) {
    for (LinearKind k : kAllLinearKinds) common = std::gcd(common, static_cast<int64_t>(dense.layers[b].linear(k).size()));
  }
  std::vector<int64_t> weight(static_cast<size_t>(L) * K);
  for (int b = 0; b < L; ++b) {
    for (LinearKind k : kAllLinearKinds) {
      weight[static_cast<size_t>(b) * K + LinearIndex(k)] = static_cast<int64_t>(dense.layers[b].linear(k).size()) / common;
    }
  }

  // 1-2. Variants from the dense inputs, the best per level by output error,
  // each measured alone.
  std::vector<bool> forced(L, false);
  for (int b : o.keep_dense) forced.at(b) = true;
  const bool dense_allowed = !start.dense_candidates.empty();
  std::vector<std::vector<LayerLevel>> levels(static_cast<size_t>(L) * K);
  result.loss_delta.assign(static_cast<size_t>(L) * K,
                           std::vector<double>(P, std::numeric_limits<double>::infinity()));
  CalibrationStream stream(dense, calibration, o.threads);
  for (int b = 0; b < L; ++b) {
    for (int k = 0; k < K; ++k) {
      if (dense_allowed || forced[b]) levels[static_cast<size_t>(b) * K + k].push_back({0, 0.0, dense_pattern, {}});
    }
    if (!forced[b]) {
      const BlockHessians h = stream.Hessians(dense.layers[b]);
      for (LinearKind kind : kAllLinearKinds) {
        const int k = LinearIndex(kind);
        const Matrix& original = dense.layers[b].linear(kind);
        const std::vector<double>& hk = h[kind];
        std::vector<double> stats(original.cols);
        for (int j = 0; j < original.cols; ++j) stats[j] = hk[static_cast<size_t>(j) * original.cols + j] / stream.samples();
        std::vector<Matrix> variants(P);
        std::vector<double> error(P);
        ParallelFor(P, o.threads, [&](int c) {
          const NmPattern& p = result.candidates[c];
          Matrix w = original;
          if (o.reconstruct) {
            ObsPruneLayer(w, hk, p, o.hardware_legal, o.sel_group, o.obs);
          } else {
            const Matrix metric = WandaMetric(w, stats);
            ApplyMask(w, o.hardware_legal ? LegalNmMask(metric, p, o.sel_group) : FreeNmMask(metric, p));
          }
          error[c] = LayerOutputError(original, w, hk);
          variants[c] = std::move(w);
        });
        std::map<int64_t, int> best;  // level units -> candidate
        for (int c = 0; c < P; ++c) {
          const int64_t units = SearchSparsityUnits(result.candidates[c]);
          auto it = best.find(units);
          if (it == best.end() || error[c] < error[it->second]) best[units] = c;
        }
        for (const auto& [units, c] : best) {
          LlamaLayer layer = dense.layers[b];
          layer.linear(kind) = variants[c];
          std::vector<const LlamaLayer*> layers = start.dense_layers;
          layers[b] = &layer;
          const double nll = SuffixNll(dense, layers, b, start.dense_inputs[b], start.scored, o.threads, nullptr);
          const double delta = nll - result.dense_nll;
          result.loss_delta[static_cast<size_t>(b) * K + k][c] = delta;
          levels[static_cast<size_t>(b) * K + k].push_back({units, delta, result.candidates[c], std::move(variants[c])});
        }
      }
      if (o.progress) {
        std::vector<std::string> items;
        for (LinearKind kind : kAllLinearKinds) {
          std::vector<std::string> per;
          for (const LayerLevel& lv : levels[static_cast<size_t>(b) * K + LinearIndex(kind)]) {
            if (lv.units > 0) per.push_back(fmt::format("{} {:+.4f}", lv.pattern.ToString(), lv.delta));
          }
          items.push_back(fmt::format("{} [{}]", LinearName(kind), fmt::join(per, ", ")));
        }
        fmt::print(stderr, "search: block {} loss increase alone: {}\n", b, fmt::join(items, "; "));
      }
    }
    if (b + 1 < L) stream.Advance(dense.layers[b]);
  }

  // Composite blocks of an assignment ([layer] -> level index).
  const int N = L * K;
  auto build = [&](const std::vector<int>& a, int first, std::vector<LlamaLayer>& storage) {
    storage.assign(L, LlamaLayer{});
    std::vector<const LlamaLayer*> layers = start.dense_layers;
    for (int b = first; b < L; ++b) {
      bool changed = false;
      for (int k = 0; k < K; ++k) changed = changed || levels[static_cast<size_t>(b) * K + k][a[b * K + k]].units > 0;
      if (!changed) continue;
      storage[b] = dense.layers[b];
      for (LinearKind kind : kAllLinearKinds) {
        const LayerLevel& lv = levels[static_cast<size_t>(b) * K + LinearIndex(kind)][a[b * K + LinearIndex(kind)]];
        if (lv.units > 0) storage[b].linear(kind) = lv.weights;
      }
      layers[b] = &storage[b];
    }
    return layers;
  };
  auto nll_of = [&](const std::vector<int>& a, int first, const std::vector<Matrix>& inputs,
                    std::vector<std::vector<Matrix>>* cache) {
    std::vector<LlamaLayer> storage;
    const std::vector<const LlamaLayer*> layers = build(a, first, storage);
    ++result.evaluations;
    return SuffixNll(dense, layers, first, inputs, start.scored, o.threads, cache);
  };

  // 3. Start: the exact weighted DP, or the target's level everywhere.
  int64_t total_weight = 0;
  for (int64_t w : weight) total_weight += w;
  const int64_t target_level = std::llround(o.target * kSearchDenominator);
  const bool target_representable = std::fabs(static_cast<double>(target_level) / kSearchDenominator - o.target) < 1e-12;
  const int64_t target_units = target_level * total_weight;
  std::vector<std::vector<std::pair<int64_t, double>>> items(N);
  std::vector<double> min_delta(N, 0.0);
  for (int l = 0; l < N; ++l) {
    for (const LayerLevel& lv : levels[l]) min_delta[l] = std::min(min_delta[l], lv.delta);
    for (const LayerLevel& lv : levels[l]) items[l].push_back({lv.units * weight[l], lv.delta - min_delta[l]});
  }
  std::vector<int> current;
  double current_nll = 0.0;
  std::vector<std::vector<Matrix>> cache(L, std::vector<Matrix>(S));
  cache[0] = start.dense_inputs[0];
  // Sum of the single-layer loss increases of an assignment (level index per layer).
  auto additive = [&](const std::vector<int>& a) {
    double sum = 0.0;
    for (int l = 0; l < N; ++l) sum += levels[l][a[l]].delta;
    return sum;
  };
  if (target_representable) {
    const std::vector<int> dp = SolveWeightedLevels(items, target_units);
    if (!dp.empty()) {
      result.additive_best_mix = additive(dp);
      current = dp;
      current_nll = nll_of(current, 0, cache[0], &cache);
      result.start = "dp";
    }
    std::vector<int> level(N, -1);
    for (int l = 0; l < N; ++l) {
      const int64_t want = forced[l / K] ? 0 : target_level;
      for (size_t i = 0; i < levels[l].size(); ++i) {
        if (levels[l][i].units == want) level[l] = static_cast<int>(i);
      }
    }
    int64_t level_sum = 0;
    for (int l = 0; l < N && level[l] >= 0; ++l) level_sum += levels[l][level[l]].units * weight[l];
    const bool level_meets_target =
        std::ranges::none_of(level, [](int i) { return i < 0; }) && level_sum == target_units;
    if (level_meets_target) {
      result.additive_target_level = additive(level);
      if (o.progress && !std::isnan(result.additive_best_mix)) {
        fmt::print(stderr,
                   "search: additive estimate (sum of single-layer loss increases): every layer at the "
                   "target's level +{:.4f}, best mix (weighted DP) +{:.4f} nats: if losses added, no mix "
                   "would be more than {:.1f}% below in perplexity\n",
                   result.additive_target_level, result.additive_best_mix,
                   100 * (1 - std::exp(result.additive_best_mix - result.additive_target_level)));
      }
    }
    if (level_meets_target && level != current) {
      std::vector<std::vector<Matrix>> level_cache(L, std::vector<Matrix>(S));
      level_cache[0] = start.dense_inputs[0];
      const double nll = nll_of(level, 0, level_cache[0], &level_cache);
      if (current.empty() || nll < current_nll) {
        current = level;
        current_nll = nll;
        cache = std::move(level_cache);
        result.start = "uniform level";
      }
    }
  }
  if (current.empty()) {
    std::vector<std::string> names;
    for (const NmPattern& p : o.candidates) names.push_back(p.ToString());
    throw UsageError(fmt::format(
        "--target {}: no per-layer assignment from {} reaches it exactly (weighted by the layers' sizes)",
        o.target, fmt::join(names, ",")));
  }
  result.start_nll = current_nll;
  auto describe = [&](const std::vector<int>& a) {
    std::vector<std::string> blocks;
    for (int b = 0; b < L; ++b) {
      std::vector<std::string> names;
      for (int k = 0; k < K; ++k) names.push_back(levels[static_cast<size_t>(b) * K + k][a[b * K + k]].pattern.ToString());
      blocks.push_back(fmt::format("[{}]", fmt::join(names, " ")));
    }
    return fmt::format("{}", fmt::join(blocks, " "));
  };
  if (o.progress) fmt::print(stderr, "search: start ({}) {} NLL {:.5f}\n", result.start, describe(current), current_nll);

  // 4. Moves of two or three layers at constant weighted sparsity.
  struct Change {
    int layer, level;
    int64_t units;
    double estimate;
  };
  struct Move {
    double estimate;
    std::vector<std::pair<int, int>> changes;  // (layer, level)
  };
  for (int round = 0; round < o.max_rounds; ++round) {
    std::vector<Change> singles;
    for (int l = 0; l < N; ++l) {
      const LayerLevel& now = levels[l][current[l]];
      for (size_t i = 0; i < levels[l].size(); ++i) {
        if (static_cast<int>(i) == current[l]) continue;
        singles.push_back({l, static_cast<int>(i), (levels[l][i].units - now.units) * weight[l],
                           levels[l][i].delta - now.delta});
      }
    }
    std::vector<Move> moves;
    const size_t C = singles.size();
    for (size_t x = 0; x < C; ++x) {
      for (size_t y = x + 1; y < C; ++y) {
        if (singles[y].layer == singles[x].layer) continue;
        const int64_t pair = singles[x].units + singles[y].units;
        if (pair == 0) {
          moves.push_back({singles[x].estimate + singles[y].estimate,
                           {{singles[x].layer, singles[x].level}, {singles[y].layer, singles[y].level}}});
        }
        for (size_t z = y + 1; z < C; ++z) {
          if (singles[z].layer == singles[x].layer || singles[z].layer == singles[y].layer) continue;
          if (pair + singles[z].units != 0) continue;
          moves.push_back({singles[x].estimate + singles[y].estimate + singles[z].estimate,
                           {{singles[x].layer, singles[x].level},
                            {singles[y].layer, singles[y].level},
                            {singles[z].layer, singles[z].level}}});
        }
      }
    }
    std::stable_sort(moves.begin(), moves.end(), [](const Move& a, const Move& b) { return a.estimate < b.estimate; });
    if (moves.size() > static_cast<size_t>(o.moves_per_round)) moves.resize(o.moves_per_round);
    double best_nll = current_nll;
    int best_move = -1;
    for (size_t m = 0; m < moves.size(); ++m) {
      std::vector<int> a = current;
      int first = L;
      for (const auto& [l, lv] : moves[m].changes) {
        a[l] = lv;
        first = std::min(first, l / K);
      }
      const double nll = nll_of(a, first, cache[first], nullptr);
      if (nll < best_nll - 1e-12) {
        best_nll = nll;
        best_move = static_cast<int>(m);
      }
    }
    result.rounds = round + 1;
    if (best_move < 0) break;
    int first = L;
    std::vector<std::string> what;
    for (const auto& [l, lv] : moves[best_move].changes) {
      what.push_back(fmt::format("block {} {} {} -> {}", l / K, LinearName(kAllLinearKinds[l % K]),
                                 levels[l][current[l]].pattern.ToString(), levels[l][lv].pattern.ToString()));
      current[l] = lv;
      first = std::min(first, l / K);
    }
    result.log.push_back(fmt::format("{}: NLL {:.5f} -> {:.5f}", fmt::join(what, ", "), current_nll, best_nll));
    if (o.progress) fmt::print(stderr, "search: {}\n", result.log.back());
    current_nll = nll_of(current, first, cache[first], &cache);
  }
  result.final_nll = current_nll;

  FlowAssignment& a = result.assignment;
  a.layer_patterns.assign(L, {});
  int64_t units = 0;
  double objective = 0.0;
  for (int b = 0; b < L; ++b) {
    std::map<NmPattern, int64_t> share;
    for (int k = 0; k < K; ++k) {
      const int l = b * K + k;
      const LayerLevel& lv = levels[l][current[l]];
      a.layer_patterns[b].push_back(lv.pattern);
      share[lv.pattern] += weight[l];
      units += lv.units * weight[l];
      objective += lv.delta;
    }
    a.patterns.push_back(std::max_element(share.begin(), share.end(), [](const auto& x, const auto& y) {
                           return x.second < y.second;
                         })->first);
  }
  a.objective = objective;
  a.achieved_sparsity = static_cast<double>(units) / static_cast<double>(total_weight) / kSearchDenominator;
  a.target_sparsity = o.target;
  a.exact = units == target_units;
  a.solve_exact = a.exact;
  if (o.progress) fmt::print(stderr, "search: chosen {} NLL {:.5f}\n", describe(current), current_nll);
  return result;
}

}  // namespace flexcim::pruner
