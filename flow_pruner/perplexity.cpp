#include "flow_pruner/perplexity.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "core/parallel_for.h"
#include "flow_pruner/progress.h"

namespace flexcim::pruner {

namespace {

// Generic vectors (this file is compiled with -ffp-contract=off, so every
// instruction set computes the same roundings).
typedef float v8f __attribute__((vector_size(32)));
typedef double v8d __attribute__((vector_size(64)));
typedef int64_t v8l __attribute__((vector_size(64)));

// exp(x) for every lane, x <= 0, to about 2 ulp: x clamped to -708 (the
// smallest term then is 3e-308, against a sum >= 1); n = round(x / ln 2),
// r = x - n ln 2 (Cody-Waite, |r| <= 0.347), exp(r) by its Taylor series to
// degree 12 (remainder < 2.4e-16 relative), times 2^n built from the
// exponent bits. NaN stays NaN.
[[gnu::always_inline]] inline void ExpNonPositive(const v8d& x_in, v8d& out) {
  const v8d lowest = v8d{} - 708.0;
  v8d x = x_in < lowest ? lowest : x_in;
  const v8d shift = v8d{} + 0x1.8p52;  // adding it rounds to an integer
  const v8d kd = x * 1.4426950408889634 + shift;
  const v8d n = kd - shift;
  const v8d r = (x - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10;
  v8d p = v8d{} + 1.0 / 479001600.0;  // 1/12!
  constexpr double kInverseFactorials[] = {1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
                                           1.0 / 40320.0,    1.0 / 5040.0,    1.0 / 720.0,
                                           1.0 / 120.0,      1.0 / 24.0,      1.0 / 6.0,
                                           0.5,              1.0,             1.0};
  for (const double c : kInverseFactorials) p = p * r + c;
  // kd's low mantissa bits hold n (kd is in [2^52, 2^53)): 2^n's bits are
  // (n + 1023) << 52.
  v8l kd_bits, shift_bits;
  std::memcpy(&kd_bits, &kd, sizeof(kd));
  std::memcpy(&shift_bits, &shift, sizeof(shift));
  const v8l scale_bits = (kd_bits - shift_bits + 1023) << 52;
  v8d scale;
  std::memcpy(&scale, &scale_bits, sizeof(scale));
  out = p * scale;
}

// log(sum_j exp(row[j])) as max + log(sum_j exp(double(row[j] - max))),
// the sum over 8 lanes (j mod 8) added in lane order. The same bits on
// every instruction set and thread count.
__attribute__((target_clones("avx512f", "avx2", "default"))) double LogSumExp(const float* row,
                                                                             int n) {
  float max_logit = row[0];
  int j = 0;
  if (n >= 8) {
    v8f m;
    std::memcpy(&m, row, sizeof(m));
    for (j = 8; j + 8 <= n; j += 8) {
      v8f v;
      std::memcpy(&v, row + j, sizeof(v));
      m = v > m ? v : m;
    }
    for (int l = 0; l < 8; ++l) max_logit = std::max(max_logit, m[l]);
  }
  for (; j < n; ++j) max_logit = std::max(max_logit, row[j]);
  v8d sum = {};
  const v8f max_v = v8f{} + max_logit;
  for (j = 0; j + 8 <= n; j += 8) {
    v8f v;
    std::memcpy(&v, row + j, sizeof(v));
    v8d e;
    ExpNonPositive(__builtin_convertvector(v - max_v, v8d), e);
    sum += e;
  }
  if (j < n) {
    v8f v = max_v;  // lanes past the end: exp(0), zeroed below
    std::memcpy(&v, row + j, sizeof(float) * (n - j));
    v8d e;
    ExpNonPositive(__builtin_convertvector(v - max_v, v8d), e);
    for (int l = n - j; l < 8; ++l) e[l] = 0.0;
    sum += e;
  }
  double total = 0.0;
  for (int l = 0; l < 8; ++l) total += sum[l];
  return static_cast<double>(max_logit) + std::log(total);
}

}  // namespace

SequenceNll ScoreSequence(const LlamaModel& model, std::span<const int> tokens,
                          const ForwardHooks& hooks) {
  if (tokens.size() < 2) return {};
  const Matrix x = RunTransformerLayers(model, tokens.first(tokens.size() - 1), model.config.n_layers, hooks);
  // The classifier in slices of kRows positions: one logits buffer per
  // thread of kRows x vocab floats (8 MB for a 32,000-token vocabulary, not
  // seq_len x vocab), reused from slice to slice. Each row's logits do not
  // depend on the slicing and the NLL is summed position by position as
  // NllOfLogits does, so the result is the same.
  constexpr int kRows = 64;
  thread_local Matrix logits;
  thread_local Matrix slice;
  SequenceNll result;
  for (int r0 = 0; r0 < x.rows; r0 += kRows) {
    const int rows = std::min(kRows, x.rows - r0);
    slice.rows = rows;
    slice.cols = x.cols;
    slice.data.assign(x.data.begin() + static_cast<std::ptrdiff_t>(r0) * x.cols,
                      x.data.begin() + static_cast<std::ptrdiff_t>(r0 + rows) * x.cols);
    ClassifierLogits(model, slice, logits);
    for (int t = 0; t < rows; ++t) {
      const float* row = logits.row(t);
      result.sum_nll += LogSumExp(row, logits.cols) - static_cast<double>(row[tokens[r0 + t + 1]]);
      ++result.predictions;
    }
  }
  return result;
}

SequenceNll NllOfLogits(const Matrix& logits, std::span<const int> tokens) {
  SequenceNll result;
  for (int t = 0; t < logits.rows; ++t) {
    const float* row = logits.row(t);
    result.sum_nll += LogSumExp(row, logits.cols) - static_cast<double>(row[tokens[t + 1]]);
    ++result.predictions;
  }
  return result;
}

double PerplexityResult::perplexity() const { return std::exp(mean_nll()); }

PerplexityResult ScoreSequences(const std::vector<std::vector<int>>& sequences, const PerplexityOptions& options,
                                const std::function<SequenceNll(int index)>& score) {
  const auto start = std::chrono::steady_clock::now();
  const int n = static_cast<int>(sequences.size());
  std::vector<SequenceNll> per_sequence(n);
  ProgressReporter progress(options.progress_label, n, "blocks", options.progress);
  ParallelFor(n, options.threads, [&](int i) {
    per_sequence[i] = score(i);
    progress.Advance();
  });
  progress.Finish();
  PerplexityResult result;
  result.sequences = n;
  result.threads = EffectiveThreads(options.threads, n);
  for (int i = 0; i < n; ++i) {
    result.total_nll += per_sequence[i].sum_nll;
    result.predictions += per_sequence[i].predictions;
    result.tokens += static_cast<int64_t>(sequences[i].size());
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

PerplexityResult EvaluatePerplexity(const LlamaModel& model,
                                    const std::vector<std::vector<int>>& sequences,
                                    const PerplexityOptions& options) {
  return ScoreSequences(sequences, options,
                        [&](int i) { return ScoreSequence(model, sequences[i], options.hooks); });
}

}  // namespace flexcim::pruner
