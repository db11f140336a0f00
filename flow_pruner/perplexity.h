// Perplexity with the README protocol: every sequence (a text block encoded
// with BOS + dummy prefix, no EOS) is scored independently; the mean is
// sum of next-token NLL over all predicted positions / number of predictions.
// Blocks run in parallel; per-block sums (double) are added in block order,
// so the result does not depend on the thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "flow_pruner/forward.h"
#include "flow_pruner/llama_model.h"

namespace flexcim::pruner {

struct SequenceNll {
  double sum_nll = 0.0;     // natural log, summed in position order (double)
  int64_t predictions = 0;  // tokens.size() - 1
};

// NLL of tokens[t+1] from row t of `logits` (logits.rows = tokens.size()-1):
// log-sum-exp of the row in double (max subtracted in float, exp to ~2 ulp
// by a vectorised series, sums over 8 lanes added in lane order; the same
// bits on every instruction set) minus the target's logit.
SequenceNll NllOfLogits(const Matrix& logits, std::span<const int> tokens);

// NLL of tokens[t+1] given tokens[0..t] for every t, from one forward pass.
SequenceNll ScoreSequence(const LlamaModel& model, std::span<const int> tokens,
                          const ForwardHooks& hooks = {});

struct PerplexityOptions {
  int threads = 0;               // <= 0: std::thread::hardware_concurrency()
  bool progress = true;          // progress line on stderr
  std::string progress_label = "eval";
  ForwardHooks hooks;            // must be thread-safe when threads > 1
};

struct PerplexityResult {
  int sequences = 0;
  int64_t tokens = 0;       // including BOS
  int64_t predictions = 0;
  double total_nll = 0.0;
  double seconds = 0.0;     // wall time of the evaluation
  int threads = 1;          // threads actually used

  double mean_nll() const { return predictions > 0 ? total_nll / predictions : 0.0; }
  double perplexity() const;
  double tokens_per_second() const { return seconds > 0 ? tokens / seconds : 0.0; }
};

PerplexityResult EvaluatePerplexity(const LlamaModel& model,
                                    const std::vector<std::vector<int>>& sequences,
                                    const PerplexityOptions& options = {});

// The protocol every model family shares: `score(i)` of each sequence on
// options.threads threads (with a progress line), the NLL sums added in
// sequence order (so the result does not depend on the thread count), the
// wall time measured. EvaluatePerplexity and the recurrent models use it.
PerplexityResult ScoreSequences(const std::vector<std::vector<int>>& sequences, const PerplexityOptions& options,
                                const std::function<SequenceNll(int index)>& score);

}  // namespace flexcim::pruner
