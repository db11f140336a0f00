// Greedy (argmax) decoding, for checking a model against its published sample.
#pragma once

#include <vector>

#include "flow_pruner/llama_model.h"

namespace flexcim::pruner {

// Extends `prompt` (default: BOS alone) by up to `max_new_tokens` argmax
// tokens, stopping early at BOS or EOS (not included) or at seq_len.
// Returns prompt + generated tokens. Recomputes the whole prefix per step.
std::vector<int> GenerateGreedy(const LlamaModel& model, int max_new_tokens,
                                std::vector<int> prompt = {1});

}  // namespace flexcim::pruner
