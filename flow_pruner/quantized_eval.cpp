#include "flow_pruner/quantized_eval.h"

#include "flow_pruner/quantize.h"

namespace flexcim::pruner {

LlamaModel FakeQuantizeLinearWeights(const LlamaModel& model, int w_bits) {
  LlamaModel q = model;
  for (LlamaLayer& layer : q.layers) {
    for (LinearKind k : kAllLinearKinds) layer.linear(k) = FakeQuantizeWeights(layer.linear(k), w_bits);
  }
  return q;
}

PerplexityResult EvaluateQuantized(const LlamaModel& model,
                                   const std::vector<std::vector<int>>& sequences,
                                   const QuantBits& bits, PerplexityOptions options) {
  const LlamaModel q = FakeQuantizeLinearWeights(model, bits.w_bits);
  const int a_bits = bits.a_bits;
  options.hooks.transform_input = [a_bits](int, LinearKind, Matrix& input) {
    input = FakeQuantizeActivations(input, a_bits);
  };
  return EvaluatePerplexity(q, sequences, options);
}

}  // namespace flexcim::pruner
