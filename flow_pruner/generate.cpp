#include "flow_pruner/generate.h"

#include "flow_pruner/forward.h"
#include "flow_pruner/tokenizer.h"

namespace flexcim::pruner {

std::vector<int> GenerateGreedy(const LlamaModel& model, int max_new_tokens,
                                std::vector<int> prompt) {
  std::vector<int> tokens = std::move(prompt);
  for (int step = 0; step < max_new_tokens; ++step) {
    if (static_cast<int>(tokens.size()) >= model.config.seq_len) break;
    const Matrix logits = ForwardLogits(model, tokens);
    const float* last = logits.row(logits.rows - 1);
    int best = 0;
    for (int j = 1; j < logits.cols; ++j) {
      if (last[j] > last[best]) best = j;
    }
    if (best == Tokenizer::kBos || best == Tokenizer::kEos) break;
    tokens.push_back(best);
  }
  return tokens;
}

}  // namespace flexcim::pruner
