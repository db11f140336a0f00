#include "flow_pruner/channel_permutation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <array>
#include <numeric>

#include "core/errors.h"
#include "core/parallel_for.h"
#include "flow_pruner/flow_metrics.h"

namespace flexcim::pruner {

std::string_view ChannelPermutationName(ChannelPermutationMethod m) {
  switch (m) {
    case ChannelPermutationMethod::kNone: return "none";
    case ChannelPermutationMethod::kRows: return "rows";
    case ChannelPermutationMethod::kInputs: return "inputs";
    case ChannelPermutationMethod::kBoth: return "both";
  }
  return "?";
}

ChannelPermutationMethod ParseChannelPermutation(std::string_view text) {
  if (text == "none") return ChannelPermutationMethod::kNone;
  if (text == "rows") return ChannelPermutationMethod::kRows;
  if (text == "inputs") return ChannelPermutationMethod::kInputs;
  if (text == "both") return ChannelPermutationMethod::kBoth;
  throw UsageError(fmt::format("--permute-channels {}: must be one of none, rows, inputs, both", text));
}

namespace {

void RequireGroupingInputs(const Matrix& scores, const std::vector<NmPattern>& patterns, int sel_group,
                           std::string_view what) {
  if (sel_group < 1) throw UsageError(fmt::format("{}: select group {} must be >= 1", what, sel_group));
  if (scores.size() != static_cast<size_t>(scores.rows) * scores.cols) {
    throw UsageError(fmt::format("{}: score matrix {}x{} holds {} values", what, scores.rows, scores.cols,
                                 scores.size()));
  }
  for (const NmPattern& p : patterns) {
    if (p.n < 1 || p.n > p.m || (!p.dense() && p.m % 2 != 0)) {
      throw UsageError(fmt::format("{}: pattern {} must have 1 <= N <= M and an even M", what, p.ToString()));
    }
  }
  for (float v : scores.data) {
    if (!std::isfinite(v) || v < 0) throw Error(fmt::format("{}: score {} is negative or not finite", what, v));
  }
}

// The rows of a score matrix as pair values: for pair q (inputs 2q, 2q+1,
// the second a zero pad when cols is odd) the larger and the smaller score.
// A legal mask's kept importance in a group of M inputs shared by a set of
// rows is the sum of the N largest of {sum hi[q], sum lo[q]} over the
// group's M/2 pairs (FLEXCIM.md section 4: lo <= hi, so the N largest
// respect first-take-before-second).
struct PairScores {
  int rows = 0;
  int pairs = 0;
  std::vector<double> hi, lo;  // [rows][pairs]
  std::vector<double> total;   // [rows]: sum of the row's scores

  explicit PairScores(const Matrix& s) : rows(s.rows), pairs((s.cols + 1) / 2) {
    hi.assign(static_cast<size_t>(rows) * pairs, 0.0);
    lo.assign(hi.size(), 0.0);
    total.assign(rows, 0.0);
    for (int r = 0; r < rows; ++r) {
      for (int q = 0; q < pairs; ++q) {
        const double a = s.at(r, 2 * q);
        const double b = 2 * q + 1 < s.cols ? s.at(r, 2 * q + 1) : 0.0;
        hi[static_cast<size_t>(r) * pairs + q] = std::max(a, b);
        lo[static_cast<size_t>(r) * pairs + q] = std::min(a, b);
        total[r] += a + b;
      }
    }
  }
  const double* hi_row(int r) const { return hi.data() + static_cast<size_t>(r) * pairs; }
  const double* lo_row(int r) const { return lo.data() + static_cast<size_t>(r) * pairs; }
};

// Kept importance of a select group whose summed pair values are (hi, lo),
// plus (add_hi, add_lo) of one more row when given, summed over patterns.
double KeptImportance(const std::vector<double>& hi, const std::vector<double>& lo, const double* add_hi,
                      const double* add_lo, const std::vector<NmPattern>& patterns) {
  const int pairs = static_cast<int>(hi.size());
  double kept = 0.0;
  double values[64];
  for (const NmPattern& p : patterns) {
    if (p.dense()) {
      for (int q = 0; q < pairs; ++q) {
        kept += hi[q] + lo[q] + (add_hi ? add_hi[q] + add_lo[q] : 0.0);
      }
      continue;
    }
    const int group_pairs = p.m / 2;
    for (int q0 = 0; q0 < pairs; q0 += group_pairs) {
      const int q1 = std::min(pairs, q0 + group_pairs);
      int count = 0;
      for (int q = q0; q < q1; ++q) {
        values[count++] = hi[q] + (add_hi ? add_hi[q] : 0.0);
        values[count++] = lo[q] + (add_lo ? add_lo[q] : 0.0);
      }
      const int n = std::min(p.n, count);
      std::partial_sort(values, values + n, values + count, std::greater<double>());
      for (int k = 0; k < n; ++k) kept += values[k];
    }
  }
  return kept;
}

void RequireSmallGroups(const std::vector<NmPattern>& patterns, std::string_view what) {
  for (const NmPattern& p : patterns) {
    if (p.m > 64) throw UsageError(fmt::format("{}: pattern {} has M > 64", what, p.ToString()));
  }
}

std::vector<int> Identity(int n) {
  std::vector<int> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

void RequireBijection(const std::vector<int>& order, int n, std::string_view what) {
  if (static_cast<int>(order.size()) != n) {
    throw Error(fmt::format("{}: permutation has {} entries, expected {}", what, order.size(), n));
  }
  std::vector<char> seen(n, 0);
  for (int v : order) {
    if (v < 0 || v >= n || seen[v]) throw Error(fmt::format("{}: permutation is not a bijection of 0..{}", what, n - 1));
    seen[v] = 1;
  }
}

// Entry i of the result is v[order[i]].
template <typename T>
std::vector<T> Permuted(const std::vector<T>& v, const std::vector<int>& order) {
  std::vector<T> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = v[order[i]];
  return out;
}

// Row i of the result is row order[i]; column j is column order[j].
void PermuteRows(Matrix& m, const std::vector<int>& order) {
  Matrix out(m.rows, m.cols);
  for (int i = 0; i < m.rows; ++i) std::copy(m.row(order[i]), m.row(order[i]) + m.cols, out.row(i));
  m = std::move(out);
}
void PermuteCols(Matrix& m, const std::vector<int>& order) {
  std::vector<float> row(m.cols);
  for (int r = 0; r < m.rows; ++r) {
    float* x = m.row(r);
    for (int j = 0; j < m.cols; ++j) row[j] = x[order[j]];
    std::copy(row.begin(), row.end(), x);
  }
}

// wo's column order for a value permutation: query head h reads KV head
// h / kv_mul, so its columns follow that head's order.
std::vector<int> ValueOutputColumns(const LlamaConfig& c, const std::vector<int>& value) {
  const int hs = c.head_size();
  std::vector<int> cols(c.dim);
  for (int h = 0; h < c.n_heads; ++h) {
    const int kvh = h / c.kv_mul();
    for (int d = 0; d < hs; ++d) cols[h * hs + d] = h * hs + (value[kvh * hs + d] - kvh * hs);
  }
  return cols;
}

}  // namespace

double SharedMaskDroppedScore(const Matrix& scores, const std::vector<NmPattern>& patterns, int sel_group,
                              const std::vector<int>& order) {
  RequireGroupingInputs(scores, patterns, sel_group, "SharedMaskDroppedScore");
  RequireSmallGroups(patterns, "SharedMaskDroppedScore");
  const std::vector<int> rows = order.empty() ? Identity(scores.rows) : order;
  RequireBijection(rows, scores.rows, "SharedMaskDroppedScore");
  const PairScores ps(scores);
  double dropped = 0.0;
  std::vector<double> hi(ps.pairs), lo(ps.pairs);
  for (int o0 = 0; o0 < ps.rows; o0 += sel_group) {
    std::fill(hi.begin(), hi.end(), 0.0);
    std::fill(lo.begin(), lo.end(), 0.0);
    double total = 0.0;
    for (int o = o0; o < std::min(ps.rows, o0 + sel_group); ++o) {
      const int r = rows[o];
      for (int q = 0; q < ps.pairs; ++q) {
        hi[q] += ps.hi_row(r)[q];
        lo[q] += ps.lo_row(r)[q];
      }
      total += ps.total[r];
    }
    dropped += total * static_cast<double>(patterns.size()) - KeptImportance(hi, lo, nullptr, nullptr, patterns);
  }
  return dropped;
}

std::vector<int> GroupRowsForSharedMasks(const Matrix& scores, const std::vector<NmPattern>& patterns,
                                         int sel_group) {
  RequireGroupingInputs(scores, patterns, sel_group, "GroupRowsForSharedMasks");
  RequireSmallGroups(patterns, "GroupRowsForSharedMasks");
  const int rows = scores.rows;
  if (sel_group == 1 || rows <= sel_group || patterns.empty()) return Identity(rows);
  const PairScores ps(scores);
  const double weight = static_cast<double>(patterns.size());
  std::vector<char> used(rows, 0);
  std::vector<int> order;
  order.reserve(rows);
  // Seeds in order of total importance, largest first (ties: lower row).
  std::vector<int> by_total = Identity(rows);
  std::stable_sort(by_total.begin(), by_total.end(), [&](int a, int b) { return ps.total[a] > ps.total[b]; });
  size_t next_seed = 0;
  std::vector<double> hi(ps.pairs), lo(ps.pairs);
  while (static_cast<int>(order.size()) < rows) {
    while (used[by_total[next_seed]]) ++next_seed;
    const int seed = by_total[next_seed];
    used[seed] = 1;
    order.push_back(seed);
    std::copy(ps.hi_row(seed), ps.hi_row(seed) + ps.pairs, hi.begin());
    std::copy(ps.lo_row(seed), ps.lo_row(seed) + ps.pairs, lo.begin());
    double kept = KeptImportance(hi, lo, nullptr, nullptr, patterns);
    const int size = std::min(sel_group, rows - static_cast<int>(order.size()) + 1);
    for (int member = 1; member < size; ++member) {
      int best = -1;
      double best_cost = 0.0, best_kept = 0.0;
      for (int r = 0; r < rows; ++r) {
        if (used[r]) continue;
        const double k = KeptImportance(hi, lo, ps.hi_row(r), ps.lo_row(r), patterns);
        // The importance this row adds to the dropped sum.
        const double cost = ps.total[r] * weight - (k - kept);
        if (best < 0 || cost < best_cost) {
          best = r;
          best_cost = cost;
          best_kept = k;
        }
      }
      used[best] = 1;
      order.push_back(best);
      for (int q = 0; q < ps.pairs; ++q) {
        hi[q] += ps.hi_row(best)[q];
        lo[q] += ps.lo_row(best)[q];
      }
      kept = best_kept;
    }
  }
  const double before = SharedMaskDroppedScore(scores, patterns, sel_group);
  const double after = SharedMaskDroppedScore(scores, patterns, sel_group, order);
  return after < before ? order : Identity(rows);
}

void PermuteBlockChannels(LlamaModel& model, int block, const BlockChannelPermutation& p) {
  const LlamaConfig& c = model.config;
  if (block < 0 || block >= c.n_layers) throw Error(fmt::format("PermuteBlockChannels: block {} does not exist", block));
  LlamaLayer& L = model.layers[block];
  const std::string where = fmt::format("block {}", block);
  if (!p.ffn.empty()) {
    RequireBijection(p.ffn, c.hidden_dim, where + " ffn");
    PermuteRows(L.w1, p.ffn);
    PermuteRows(L.w3, p.ffn);
    PermuteCols(L.w2, p.ffn);
  }
  if (!p.value.empty()) {
    const int hs = c.head_size();
    RequireBijection(p.value, c.kv_dim(), where + " value");
    for (int i = 0; i < c.kv_dim(); ++i) {
      if (p.value[i] / hs != i / hs) {
        throw Error(fmt::format("{} value: channel {} moves to head {} from head {}", where, p.value[i],
                                i / hs, p.value[i] / hs));
      }
    }
    PermuteRows(L.wv, p.value);
    if (!L.bv.empty()) L.bv = Permuted(L.bv, p.value);
    PermuteCols(L.wo, ValueOutputColumns(c, p.value));
  }
}

std::vector<int> BalancedInputOrder(const std::vector<double>& importance) {
  const int n = static_cast<int>(importance.size());
  std::vector<int> sorted = Identity(n);
  std::stable_sort(sorted.begin(), sorted.end(), [&](int a, int b) { return importance[a] > importance[b]; });
  std::vector<int> order;
  order.reserve(n);
  for (int i = 0, j = n - 1; i <= j; ++i, --j) {
    order.push_back(sorted[i]);
    if (j != i) order.push_back(sorted[j]);
  }
  return order;
}

std::vector<int> PairedInputOrder(const std::vector<Matrix>& scores, int threads) {
  if (scores.empty()) throw UsageError("PairedInputOrder: no score matrices");
  const int n = scores.front().cols;
  for (const Matrix& m : scores) {
    if (m.cols != n) throw UsageError(fmt::format("PairedInputOrder: {} and {} inputs", n, m.cols));
  }
  // Each layer weighs by its total importance, so large layers do not rule.
  std::vector<double> weight(scores.size(), 0.0);
  std::vector<double> importance(n, 0.0);
  for (size_t m = 0; m < scores.size(); ++m) {
    double total = 0.0;
    for (float v : scores[m].data) total += v;
    weight[m] = total > 0 ? 1.0 / total : 0.0;
    for (int r = 0; r < scores[m].rows; ++r) {
      for (int j = 0; j < n; ++j) importance[j] += weight[m] * scores[m].at(r, j);
    }
  }
  // cost[j][k]: sum over layers and rows of min(s_rj, s_rk).
  std::vector<double> cost(static_cast<size_t>(n) * n, 0.0);
  ParallelFor(n, threads, [&](int j) {
    double* row = cost.data() + static_cast<size_t>(j) * n;
    for (size_t m = 0; m < scores.size(); ++m) {
      const Matrix& s = scores[m];
      for (int r = 0; r < s.rows; ++r) {
        const float* x = s.row(r);
        const double a = x[j], w = weight[m];
        for (int k = j + 1; k < n; ++k) row[k] += w * std::min<double>(a, x[k]);
      }
    }
  });
  auto c = [&](int a, int b) { return a < b ? cost[static_cast<size_t>(a) * n + b] : cost[static_cast<size_t>(b) * n + a]; };
  // Start: strongest with weakest (BalancedInputOrder), then 2-opt moves
  // between two pairs while one lowers the summed cost.
  const std::vector<int> start = BalancedInputOrder(importance);
  std::vector<std::array<int, 2>> pairs;
  for (int i = 0; i + 1 < n; i += 2) pairs.push_back({start[i], start[i + 1]});
  const int count = static_cast<int>(pairs.size());
  for (int sweep = 0; sweep < 100; ++sweep) {
    bool moved = false;
    for (int p = 0; p < count; ++p) {
      for (int q = p + 1; q < count; ++q) {
        auto& [a, b] = pairs[p];
        auto& [x, y] = pairs[q];
        const double now = c(a, b) + c(x, y);
        const double swap1 = c(a, x) + c(b, y);
        const double swap2 = c(a, y) + c(b, x);
        if (swap1 < now - 1e-12 * (1.0 + now) && swap1 <= swap2) {
          std::swap(b, x);
          moved = true;
        } else if (swap2 < now - 1e-12 * (1.0 + now)) {
          std::swap(b, y);
          moved = true;
        }
      }
    }
    if (!moved) break;
  }
  // Pairs laid out strongest, weakest, ... by their importance; inside a
  // pair the stronger channel first.
  std::vector<double> pair_importance(count);
  for (int p = 0; p < count; ++p) pair_importance[p] = importance[pairs[p][0]] + importance[pairs[p][1]];
  std::vector<int> order;
  order.reserve(n);
  for (int p : BalancedInputOrder(pair_importance)) {
    auto [a, b] = pairs[p];
    if (importance[b] > importance[a]) std::swap(a, b);
    order.push_back(a);
    order.push_back(b);
  }
  if (n % 2 == 1) order.push_back(start[n - 1]);
  return order;
}

void PermuteResidualStream(LlamaModel& model, const std::vector<int>& order) {
  const LlamaConfig& c = model.config;
  RequireBijection(order, c.dim, "residual stream");
  PermuteCols(model.token_embedding, order);
  if (model.wcls) PermuteCols(*model.wcls, order);
  model.rms_final = Permuted(model.rms_final, order);
  for (LlamaLayer& L : model.layers) {
    L.rms_att = Permuted(L.rms_att, order);
    L.rms_ffn = Permuted(L.rms_ffn, order);
    for (Matrix* m : {&L.wq, &L.wk, &L.wv, &L.w1, &L.w3}) PermuteCols(*m, order);
    PermuteRows(L.wo, order);
    PermuteRows(L.w2, order);
  }
}

namespace {

// Scores of several matrices side by side, each padded with zero columns
// to a multiple of `align` so no group of M inputs spans two of them.
Matrix SideBySide(const std::vector<const Matrix*>& parts, int align) {
  int cols = 0;
  for (const Matrix* m : parts) cols += (m->cols + align - 1) / align * align;
  Matrix out(parts.front()->rows, cols);
  int c0 = 0;
  for (const Matrix* m : parts) {
    for (int r = 0; r < m->rows; ++r) std::copy(m->row(r), m->row(r) + m->cols, out.row(r) + c0);
    c0 += (m->cols + align - 1) / align * align;
  }
  return out;
}

Matrix RowSlice(const Matrix& m, int r0, int r1) {
  Matrix out(r1 - r0, m.cols);
  std::copy(m.row(r0), m.row(r1), out.data.begin());
  return out;
}

// Reorders each aligned run of `pool` entries of `order` (a permutation of
// the channels, the columns of `scores`) by PairedInputOrder on those
// columns; the set of each run is unchanged.
std::vector<int> PairWithinPools(const std::vector<int>& order, const Matrix& scores, int pool) {
  std::vector<int> out(order.size());
  for (size_t p0 = 0; p0 < order.size(); p0 += pool) {
    const size_t p1 = std::min(order.size(), p0 + pool);
    Matrix local(scores.rows, static_cast<int>(p1 - p0));
    for (int r = 0; r < scores.rows; ++r) {
      for (size_t i = p0; i < p1; ++i) local.at(r, static_cast<int>(i - p0)) = scores.at(r, order[i]);
    }
    const std::vector<int> local_order = PairedInputOrder({local}, 1);
    for (size_t i = p0; i < p1; ++i) out[i] = order[p0 + local_order[i - p0]];
  }
  return out;
}

// Dropped importance of the legal masks of every layer whose K is the
// residual stream (wq wk wv w1 w3 of every block), each normalised by its
// total importance so blocks weigh alike.
double ResidualInputLoss(const LlamaModel& model, const CalibrationStats& stats,
                         const std::vector<NmPattern>& patterns, int sel_group, const std::vector<int>& order,
                         int threads) {
  const int L = model.config.n_layers;
  std::vector<double> loss(static_cast<size_t>(L) * 5, 0.0);
  ParallelFor(L * 5, threads, [&](int index) {
    const int b = index / 5;
    static constexpr LinearKind kinds[5] = {LinearKind::kQ, LinearKind::kK, LinearKind::kV, LinearKind::kW1,
                                            LinearKind::kW3};
    const LinearKind kind = kinds[index % 5];
    Matrix scores = WandaMetric(model.layers[b].linear(kind), stats.layers[b][kind]);
    PermuteCols(scores, order);
    double total = 0.0;
    for (float v : scores.data) total += v;
    if (total > 0) loss[index] = SharedMaskDroppedScore(scores, patterns, sel_group) / total;
  });
  double sum = 0.0;
  for (double v : loss) sum += v;
  return sum;
}

}  // namespace

ChannelPermutationReport PermuteChannelsForSharedMasks(LlamaModel& model, CalibrationStats& stats,
                                                       const std::vector<NmPattern>& patterns, int sel_group,
                                                       ChannelPermutationMethod method, int threads) {
  const LlamaConfig& c = model.config;
  if (static_cast<int>(stats.layers.size()) != c.n_layers) {
    throw Error(fmt::format("channel permutation: statistics have {} blocks, the model has {}",
                            stats.layers.size(), c.n_layers));
  }
  ChannelPermutationReport report;
  report.patterns = patterns;
  report.blocks.resize(c.n_layers);
  report.effects.resize(c.n_layers);
  if (method == ChannelPermutationMethod::kNone || patterns.empty()) return report;
  const bool rows = method == ChannelPermutationMethod::kRows || method == ChannelPermutationMethod::kBoth;
  const bool inputs = method == ChannelPermutationMethod::kInputs || method == ChannelPermutationMethod::kBoth;
  int align = 2;
  for (const NmPattern& p : patterns) align = std::lcm(align, p.m);
  const int hs = c.head_size();
  const bool group_value = rows && sel_group > 1 && hs % sel_group == 0 && hs > sel_group;
  const bool group_ffn = rows && sel_group > 1 && c.hidden_dim > sel_group;
  // The residual stream (K of wq wk wv w1 w3), one order for the model.
  if (inputs) {
    std::vector<Matrix> scores;
    for (int b = 0; b < c.n_layers; ++b) {
      for (LinearKind k : {LinearKind::kQ, LinearKind::kK, LinearKind::kV, LinearKind::kW1, LinearKind::kW3}) {
        scores.push_back(WandaMetric(model.layers[b].linear(k), stats.layers[b][k]));
      }
    }
    const std::vector<int> order = PairedInputOrder(scores, threads);
    scores.clear();
    report.residual_before = ResidualInputLoss(model, stats, patterns, sel_group, Identity(c.dim), threads);
    report.residual_after = ResidualInputLoss(model, stats, patterns, sel_group, order, threads);
    if (report.residual_after < report.residual_before) {
      report.residual = order;
      PermuteResidualStream(model, order);
      for (LayerStats& st : stats.layers) {
        for (LinearKind k : {LinearKind::kQ, LinearKind::kK, LinearKind::kV, LinearKind::kW1, LinearKind::kW3}) {
          st[k] = Permuted(st[k], order);
        }
      }
    } else {
      report.residual_after = report.residual_before;
    }
  }
  ParallelFor(c.n_layers, threads, [&](int b) {
    LlamaLayer& L = model.layers[b];
    LayerStats& st = stats.layers[b];
    BlockChannelPermutation& perm = report.blocks[b];
    BlockPermutationEffect& effect = report.effects[b];
    auto dropped = [&](const Matrix& w, const std::vector<double>& s) {
      return SharedMaskDroppedScore(WandaMetric(w, s), patterns, sel_group);
    };
    const double w2_before = dropped(L.w2, st[LinearKind::kW2]);
    const double wo_before = dropped(L.wo, st[LinearKind::kO]);
    effect.k_moved_before = w2_before + wo_before;
    const Matrix w1 = WandaMetric(L.w1, st[LinearKind::kW1]);
    const Matrix w3 = WandaMetric(L.w3, st[LinearKind::kW3]);
    const Matrix both = SideBySide({&w1, &w3}, align);
    const Matrix wv = WandaMetric(L.wv, st[LinearKind::kV]);
    std::vector<int> ffn = Identity(c.hidden_dim);
    std::vector<int> value = Identity(c.kv_dim());
    if (group_ffn) ffn = GroupRowsForSharedMasks(both, patterns, sel_group);
    if (group_value) {
      for (int h = 0; h < c.n_kv_heads; ++h) {
        const std::vector<int> order = GroupRowsForSharedMasks(RowSlice(wv, h * hs, (h + 1) * hs), patterns, sel_group);
        for (int d = 0; d < hs; ++d) value[h * hs + d] = h * hs + order[d];
      }
    }
    if (inputs) {
      // w2's K (hidden units) and wo's K (value channels): balanced inside
      // each select group when the rows are grouped (so the grouping
      // stands), else inside the whole FFN / each head.
      const std::vector<int> ffn_balanced =
          PairWithinPools(ffn, WandaMetric(L.w2, st[LinearKind::kW2]), group_ffn ? sel_group : c.hidden_dim);
      // wo's scores per value channel: the rows of every query head reading
      // the KV head, stacked.
      const Matrix wo_scores = WandaMetric(L.wo, st[LinearKind::kO]);
      Matrix v_scores(c.dim * c.kv_mul(), c.kv_dim());
      for (int h = 0; h < c.n_heads; ++h) {
        const int kvh = h / c.kv_mul(), slot = h % c.kv_mul();
        for (int r = 0; r < c.dim; ++r) {
          for (int d = 0; d < hs; ++d) v_scores.at(slot * c.dim + r, kvh * hs + d) = wo_scores.at(r, h * hs + d);
        }
      }
      const std::vector<int> value_balanced = PairWithinPools(value, v_scores, group_value ? sel_group : hs);
      // Kept only where the layer whose K moved drops less importance.
      auto k_loss = [&](const Matrix& w, const std::vector<double>& s, const std::vector<int>& cols) {
        Matrix m = w;
        PermuteCols(m, cols);
        return dropped(m, Permuted(s, cols));
      };
      if (k_loss(L.w2, st[LinearKind::kW2], ffn_balanced) < k_loss(L.w2, st[LinearKind::kW2], ffn)) {
        ffn = ffn_balanced;
      }
      if (k_loss(L.wo, st[LinearKind::kO], ValueOutputColumns(c, value_balanced)) <
          k_loss(L.wo, st[LinearKind::kO], ValueOutputColumns(c, value))) {
        value = value_balanced;
      }
    }
    effect.rows_before = SharedMaskDroppedScore(both, patterns, sel_group);
    effect.rows_after = SharedMaskDroppedScore(both, patterns, sel_group, ffn);
    effect.rows_free = SharedMaskDroppedScore(both, patterns, 1);
    for (int h = 0; h < c.n_kv_heads; ++h) {
      const Matrix head = RowSlice(wv, h * hs, (h + 1) * hs);
      std::vector<int> order(hs);
      for (int d = 0; d < hs; ++d) order[d] = value[h * hs + d] - h * hs;
      effect.rows_before += SharedMaskDroppedScore(head, patterns, sel_group);
      effect.rows_after += SharedMaskDroppedScore(head, patterns, sel_group, order);
      effect.rows_free += SharedMaskDroppedScore(head, patterns, 1);
    }
    if (ffn != Identity(c.hidden_dim)) perm.ffn = ffn;
    if (value != Identity(c.kv_dim())) perm.value = value;
    PermuteBlockChannels(model, b, perm);
    if (!perm.ffn.empty()) st[LinearKind::kW2] = Permuted(st[LinearKind::kW2], perm.ffn);
    if (!perm.value.empty()) {
      st[LinearKind::kO] = Permuted(st[LinearKind::kO], ValueOutputColumns(c, perm.value));
    }
    effect.k_moved_after = dropped(L.w2, st[LinearKind::kW2]) + dropped(L.wo, st[LinearKind::kO]);
  });
  return report;
}

}  // namespace flexcim::pruner
