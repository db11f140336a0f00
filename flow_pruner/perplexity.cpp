#include "flow_pruner/perplexity.h"

#include <chrono>
#include <cmath>

#include "core/parallel_for.h"
#include "flow_pruner/progress.h"

namespace flexcim::pruner {

SequenceNll ScoreSequence(const LlamaModel& model, std::span<const int> tokens,
                          const ForwardHooks& hooks) {
  if (tokens.size() < 2) return {};
  return NllOfLogits(ForwardLogits(model, tokens.first(tokens.size() - 1), hooks), tokens);
}

SequenceNll NllOfLogits(const Matrix& logits, std::span<const int> tokens) {
  SequenceNll result;
  for (int t = 0; t < logits.rows; ++t) {
    const float* row = logits.row(t);
    float max_logit = row[0];
    for (int j = 1; j < logits.cols; ++j) max_logit = std::max(max_logit, row[j]);
    double sum = 0.0;
    for (int j = 0; j < logits.cols; ++j) sum += std::exp(static_cast<double>(row[j] - max_logit));
    const double log_z = static_cast<double>(max_logit) + std::log(sum);
    result.sum_nll += log_z - static_cast<double>(row[tokens[t + 1]]);
    ++result.predictions;
  }
  return result;
}

double PerplexityResult::perplexity() const { return std::exp(mean_nll()); }

PerplexityResult EvaluatePerplexity(const LlamaModel& model,
                                    const std::vector<std::vector<int>>& sequences,
                                    const PerplexityOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const int n = static_cast<int>(sequences.size());
  std::vector<SequenceNll> per_sequence(n);
  ProgressReporter progress(options.progress_label, n, "blocks", options.progress);
  ParallelFor(n, options.threads, [&](int i) {
    per_sequence[i] = ScoreSequence(model, sequences[i], options.hooks);
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

}  // namespace flexcim::pruner
