#include "flow_pruner/search_selection.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

#include "core/errors.h"
#include "core/parallel_for.h"
#include "flow_pruner/block_pruning.h"
#include "flow_pruner/calibration_stream.h"
#include "flow_pruner/forward.h"
#include "flow_pruner/layer_search_selection.h"
#include "flow_pruner/perplexity.h"

namespace flexcim::pruner {

namespace {

constexpr int64_t kDenominator = kSearchDenominator;

int64_t SparsityUnits(const NmPattern& p) { return SearchSparsityUnits(p); }

}  // namespace

int64_t SearchSparsityUnits(const NmPattern& p) {
  if (kSearchDenominator % p.m != 0) {
    throw UsageError(fmt::format("--method search: pattern {} has an M the search cannot add exactly",
                                 p.ToString()));
  }
  return static_cast<int64_t>(p.m - p.n) * (kSearchDenominator / p.m);
}

std::string_view SearchGranularityName(SearchGranularity g) {
  return g == SearchGranularity::kLayer ? "layer" : "block";
}

SearchGranularity ParseSearchGranularity(std::string_view text) {
  if (text == "block") return SearchGranularity::kBlock;
  if (text == "layer") return SearchGranularity::kLayer;
  throw UsageError(fmt::format("--search-granularity {}: must be one of block, layer", text));
}

std::vector<std::vector<int>> SearchScoreSamples(const std::vector<std::vector<int>>& blocks, int count,
                                                 std::string_view what) {
  std::vector<std::vector<int>> scored;
  for (int s = 0; s < std::min<int>(count, static_cast<int>(blocks.size())); ++s) {
    if (blocks[s].size() >= 2) scored.push_back(blocks[s]);
  }
  if (scored.empty()) throw Error(fmt::format("--method search: no {} block has 2 or more tokens", what));
  return scored;
}

double SuffixNll(const LlamaModel& model, const std::vector<const LlamaLayer*>& layers, int first,
                 const std::vector<Matrix>& inputs, const std::vector<std::vector<int>>& samples,
                 int threads, std::vector<std::vector<Matrix>>* cache) {
  const int n = static_cast<int>(samples.size());
  const int L = model.config.n_layers;
  std::vector<SequenceNll> per(n);
  ParallelFor(n, threads, [&](int s) {
    Matrix x = inputs[s];
    for (int b = first; b < L; ++b) {
      if (cache && b > first) (*cache)[b][s] = x;
      RunTransformerBlock(model.config, *layers[b], b, x);
    }
    per[s] = NllOfLogits(ClassifierLogits(model, x), samples[s]);
  });
  double total = 0.0;
  int64_t predictions = 0;
  for (const SequenceNll& p : per) {
    total += p.sum_nll;
    predictions += p.predictions;
  }
  return predictions > 0 ? total / predictions : 0.0;
}

SearchStart StartSearch(const LlamaModel& dense, const std::vector<std::vector<int>>& calibration,
                        const SearchOptions& o, const char* label) {
  const int L = dense.config.n_layers;
  if (calibration.empty()) throw Error("--method search: no calibration samples");
  SearchStart start;
  for (const NmPattern& p : o.candidates) {
    (p.dense() ? start.dense_candidates : start.sparse_candidates).push_back(p);
  }
  std::sort(start.sparse_candidates.begin(), start.sparse_candidates.end());
  start.sparse_candidates.erase(std::unique(start.sparse_candidates.begin(), start.sparse_candidates.end()),
                                start.sparse_candidates.end());
  if (start.sparse_candidates.empty()) throw UsageError("--method search: the candidate set has no sparse pattern");

  // Score samples: the score blocks if given, else the first score_samples
  // calibration blocks (last token only predicted, never fed).
  start.scored = o.score_blocks.empty()
                     ? SearchScoreSamples(calibration, o.score_samples)
                     : SearchScoreSamples(o.score_blocks, static_cast<int>(o.score_blocks.size()), "score");
  const int S = static_cast<int>(start.scored.size());
  start.dense_inputs.assign(L, std::vector<Matrix>(S));
  ParallelFor(S, o.threads, [&](int s) {
    const std::span<const int> fed(start.scored[s].data(), start.scored[s].size() - 1);
    start.dense_inputs[0][s] = RunTransformerLayers(dense, fed, 0);
  });
  start.dense_layers.resize(L);
  for (int b = 0; b < L; ++b) start.dense_layers[b] = &dense.layers[b];
  start.dense_nll =
      SuffixNll(dense, start.dense_layers, 0, start.dense_inputs[0], start.scored, o.threads, &start.dense_inputs);
  if (o.progress) {
    std::vector<std::string> names;
    for (const NmPattern& p : start.sparse_candidates) names.push_back(p.ToString());
    fmt::print(stderr, "{}: dense NLL {:.5f} on {} {} blocks; {} candidates {}\n", label, start.dense_nll, S,
               o.score_blocks.empty() ? "calibration" : "score", start.sparse_candidates.size(),
               fmt::join(names, ","));
  }
  return start;
}

SearchResult SearchAssignment(const LlamaModel& dense, const std::vector<std::vector<int>>& calibration,
                              const SearchOptions& o) {
  if (o.granularity == SearchGranularity::kLayer) return SearchLayerAssignment(dense, calibration, o);
  const int L = dense.config.n_layers;
  SearchStart start = StartSearch(dense, calibration, o, "search");
  SearchResult result = start.SeededResult();
  const int P = static_cast<int>(result.candidates.size());
  const int S = static_cast<int>(start.scored.size());

  // 1-2. Variants from the dense inputs; keep the best per level.
  std::vector<bool> forced(L, false);
  for (int b : o.keep_dense) forced.at(b) = true;
  result.loss_delta.assign(L, std::vector<double>(P, 0.0));
  // [block][level units] -> (candidate, variant)
  std::vector<std::map<int64_t, std::pair<int, LlamaLayer>>> best(L);
  CalibrationStream stream(dense, calibration, o.threads);
  std::vector<std::string> ignored;
  for (int b = 0; b < L; ++b) {
    if (!forced[b]) {
      const BlockHessians h = stream.Hessians(dense.layers[b]);
      LayerStats stats;
      for (LinearKind k : kAllLinearKinds) {
        const std::vector<double>& hk = h[k];
        const int n = dense.layers[b].linear(k).cols;
        stats[k].resize(n);
        for (int j = 0; j < n; ++j) stats[k][j] = hk[static_cast<size_t>(j) * n + j] / stream.samples();
      }
      for (int c = 0; c < P; ++c) {
        const NmPattern& p = result.candidates[c];
        LlamaLayer variant = dense.layers[b];
        if (o.reconstruct) {
          ReconstructBlockLinears(variant, b, h, p, o.hardware_legal, o.sel_group, o.threads, ignored, o.obs);
        } else {
          PruneBlockLinears(variant, stats, p, o.hardware_legal, o.sel_group);
        }
        std::vector<const LlamaLayer*> layers = start.dense_layers;
        layers[b] = &variant;
        const double nll = SuffixNll(dense, layers, b, start.dense_inputs[b], start.scored, o.threads, nullptr);
        result.loss_delta[b][c] = nll - result.dense_nll;
        const int64_t units = SparsityUnits(p);
        auto it = best[b].find(units);
        if (it == best[b].end() || result.loss_delta[b][it->second.first] > result.loss_delta[b][c]) {
          best[b][units] = {c, std::move(variant)};
        }
      }
      if (o.progress) {
        std::vector<std::string> items;
        for (int c = 0; c < P; ++c) {
          items.push_back(fmt::format("{} {:+.4f}", result.candidates[c].ToString(), result.loss_delta[b][c]));
        }
        fmt::print(stderr, "search: block {} loss increase alone: {}\n", b, fmt::join(items, ", "));
      }
    }
    if (b + 1 < L) stream.Advance(dense.layers[b]);
  }

  // Levels per block: sparsity units -> layer (dense = 0 units when allowed).
  const bool dense_allowed = !start.dense_candidates.empty();
  struct Option {
    int64_t units;
    double delta;
    const LlamaLayer* layer;
    NmPattern pattern;
  };
  std::vector<std::vector<Option>> options(L);
  for (int b = 0; b < L; ++b) {
    if (dense_allowed || forced[b]) {
      options[b].push_back({0, 0.0, &dense.layers[b],
                            start.dense_candidates.empty() ? NmPattern{8, 8} : start.dense_candidates.front()});
    }
    if (forced[b]) continue;
    for (auto& [units, entry] : best[b]) {
      options[b].push_back({units, result.loss_delta[b][entry.first], &entry.second,
                            result.candidates[entry.first]});
    }
  }

  // 3. Start: DP over the additive costs, or the target's level everywhere.
  FlowSolverOptions so;
  so.candidates = o.candidates;
  so.target_sparsity = o.target;
  so.forced_dense = o.keep_dense;
  std::vector<double> min_delta(L, 0.0);
  for (int b = 0; b < L; ++b) {
    for (const Option& op : options[b]) min_delta[b] = std::min(min_delta[b], op.delta);
  }
  const BlockCostFunction cost = [&](int b, const NmPattern& p) {
    for (const Option& op : options[b]) {
      if (op.pattern == p) return op.delta - min_delta[b];
    }
    return p.dense() ? 0.0 - min_delta[b] + 1e6 : 1e6;  // not a kept variant
  };
  const FlowAssignment dp = SolveAssignment(L, cost, so);
  result.assignment = dp;
  auto index_of = [&](int b, const NmPattern& p) {
    for (size_t k = 0; k < options[b].size(); ++k) {
      if (options[b][k].pattern == p) return static_cast<int>(k);
    }
    return -1;
  };
  std::vector<int> current(L);
  for (int b = 0; b < L; ++b) current[b] = index_of(b, dp.patterns[b]);
  const bool dp_usable = dp.exact && std::ranges::none_of(current, [](int k) { return k < 0; });
  auto layers_of = [&](const std::vector<int>& a) {
    std::vector<const LlamaLayer*> layers(L);
    for (int b = 0; b < L; ++b) layers[b] = options[b][a[b]].layer;
    return layers;
  };
  std::vector<std::vector<Matrix>> cache(L, std::vector<Matrix>(S));
  cache[0] = start.dense_inputs[0];
  double current_nll = 0.0;
  result.start = "dp";
  if (dp_usable) {
    current_nll = SuffixNll(dense, layers_of(current), 0, cache[0], start.scored, o.threads, &cache);
    ++result.evaluations;
  }
  // Every block at the target's level, when the target is a level.
  const int64_t target_units = std::llround(o.target * kDenominator);
  std::vector<int> level(L, -1);
  int64_t level_sum = 0;
  for (int b = 0; b < L; ++b) {
    for (size_t k = 0; k < options[b].size(); ++k) {
      if (options[b][k].units == (forced[b] ? 0 : target_units)) level[b] = static_cast<int>(k);
    }
    if (level[b] >= 0) level_sum += options[b][level[b]].units;
  }
  const bool level_usable = std::ranges::none_of(level, [](int k) { return k < 0; }) &&
                            std::fabs(static_cast<double>(level_sum) / L / kDenominator - o.target) < 1e-12;
  if (level_usable && level != current) {
    std::vector<std::vector<Matrix>> level_cache(L, std::vector<Matrix>(S));
    level_cache[0] = start.dense_inputs[0];
    const double nll = SuffixNll(dense, layers_of(level), 0, level_cache[0], start.scored, o.threads, &level_cache);
    ++result.evaluations;
    if (!dp_usable || nll < current_nll) {
      current = level;
      current_nll = nll;
      cache = std::move(level_cache);
      result.start = "uniform level";
    }
  }
  if (!dp_usable && !level_usable) {
    // Nothing meets the target: the DP's nearest assignment, as FLOW reports it.
    return result;
  }
  result.start_nll = current_nll;
  if (o.progress) {
    std::vector<std::string> names;
    for (int b = 0; b < L; ++b) names.push_back(options[b][current[b]].pattern.ToString());
    fmt::print(stderr, "search: start ({}) {} NLL {:.5f}\n", result.start, fmt::join(names, ","), current_nll);
  }

  // 4. Pair moves at constant total sparsity.
  struct Move {
    double estimate;
    int i, ki, j, kj;
  };
  for (int round = 0; round < o.max_rounds; ++round) {
    std::vector<Move> moves;
    for (int i = 0; i < L; ++i) {
      for (int j = i + 1; j < L; ++j) {
        const Option& ci = options[i][current[i]];
        const Option& cj = options[j][current[j]];
        for (size_t ki = 0; ki < options[i].size(); ++ki) {
          if (static_cast<int>(ki) == current[i]) continue;
          for (size_t kj = 0; kj < options[j].size(); ++kj) {
            if (static_cast<int>(kj) == current[j]) continue;
            if (options[i][ki].units + options[j][kj].units != ci.units + cj.units) continue;
            moves.push_back({options[i][ki].delta + options[j][kj].delta - ci.delta - cj.delta, i,
                             static_cast<int>(ki), j, static_cast<int>(kj)});
          }
        }
      }
    }
    std::sort(moves.begin(), moves.end(), [](const Move& a, const Move& b) {
      if (a.estimate != b.estimate) return a.estimate < b.estimate;
      return std::tie(a.i, a.ki, a.j, a.kj) < std::tie(b.i, b.ki, b.j, b.kj);
    });
    if (moves.size() > static_cast<size_t>(o.moves_per_round)) moves.resize(o.moves_per_round);
    double best_nll = current_nll;
    int best_move = -1;
    for (size_t m = 0; m < moves.size(); ++m) {
      std::vector<int> a = current;
      a[moves[m].i] = moves[m].ki;
      a[moves[m].j] = moves[m].kj;
      const double nll = SuffixNll(dense, layers_of(a), moves[m].i, cache[moves[m].i], start.scored, o.threads, nullptr);
      ++result.evaluations;
      if (nll < best_nll - 1e-12) {
        best_nll = nll;
        best_move = static_cast<int>(m);
      }
    }
    result.rounds = round + 1;
    if (best_move < 0) break;
    const Move& mv = moves[best_move];
    result.log.push_back(fmt::format("block {} {} -> {}, block {} {} -> {}: NLL {:.5f} -> {:.5f}", mv.i,
                                     options[mv.i][current[mv.i]].pattern.ToString(),
                                     options[mv.i][mv.ki].pattern.ToString(), mv.j,
                                     options[mv.j][current[mv.j]].pattern.ToString(),
                                     options[mv.j][mv.kj].pattern.ToString(), current_nll, best_nll));
    if (o.progress) fmt::print(stderr, "search: {}\n", result.log.back());
    current[mv.i] = mv.ki;
    current[mv.j] = mv.kj;
    current_nll = SuffixNll(dense, layers_of(current), mv.i, cache[mv.i], start.scored, o.threads, &cache);
  }
  result.final_nll = current_nll;
  FlowAssignment& a = result.assignment;
  a.patterns.clear();
  int64_t units = 0;
  double objective = 0.0;
  for (int b = 0; b < L; ++b) {
    a.patterns.push_back(options[b][current[b]].pattern);
    units += options[b][current[b]].units;
    objective += options[b][current[b]].delta;
  }
  a.objective = objective;
  a.achieved_sparsity = static_cast<double>(units) / L / kDenominator;
  a.target_sparsity = o.target;
  a.exact = std::fabs(a.achieved_sparsity - o.target) < 1e-12;
  a.solve_exact = a.exact;
  return result;
}

}  // namespace flexcim::pruner
