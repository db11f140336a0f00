#include "flow_pruner/recurrent_language_model.h"

#include <chrono>

#include "core/parallel_for.h"
#include "flow_pruner/progress.h"

namespace flexcim::pruner {

PerplexityResult EvaluateRecurrentPerplexity(const RecurrentLanguageModel& model,
                                             const std::vector<std::vector<int>>& sequences,
                                             const PerplexityOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const int n = static_cast<int>(sequences.size());
  std::vector<SequenceNll> per_sequence(n);
  ProgressReporter progress(options.progress_label, n, "blocks", options.progress);
  ParallelFor(n, options.threads, [&](int i) {
    const std::span<const int> tokens = sequences[i];
    if (tokens.size() >= 2) {
      per_sequence[i] = NllOfLogits(model.SequenceLogits(tokens.first(tokens.size() - 1)), tokens);
    }
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
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::vector<std::vector<int>> BlocksAsBytes(const std::vector<std::string>& blocks) {
  std::vector<std::vector<int>> out;
  out.reserve(blocks.size());
  for (const std::string& b : blocks) {
    std::vector<int> ids(b.size());
    for (size_t i = 0; i < b.size(); ++i) ids[i] = static_cast<unsigned char>(b[i]);
    out.push_back(std::move(ids));
  }
  return out;
}

}  // namespace flexcim::pruner
