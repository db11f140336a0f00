// QuantizedEval: perplexity of a (pruned) model as the macro computes it:
// every linear layer's weights fake-quantised per output channel to W bits
// and its input fake-quantised per token to A bits (FLEXCIM.md section 1:
// the macro itself is exact, so these roundings are the only error).
#pragma once

#include <vector>

#include "flow_pruner/perplexity.h"

namespace flexcim::pruner {

struct QuantBits {
  int w_bits = 8;
  int a_bits = 8;
};

// The model with every linear layer's weights fake-quantised to w_bits.
LlamaModel FakeQuantizeLinearWeights(const LlamaModel& model, int w_bits);

// Perplexity with weights and linear-layer inputs fake-quantised.
PerplexityResult EvaluateQuantized(const LlamaModel& model,
                                   const std::vector<std::vector<int>>& sequences,
                                   const QuantBits& bits, PerplexityOptions options);

}  // namespace flexcim::pruner
