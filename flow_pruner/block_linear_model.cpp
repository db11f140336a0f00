#include "flow_pruner/block_linear_model.h"

#include "flow_pruner/gemm.h"

namespace flexcim::pruner {

void RunBlockLinear(const BlockLinearHooks& hooks, int block, int index, const Matrix& input,
                    const Matrix& weight, Matrix& y) {
  if (hooks.observe_input) hooks.observe_input(block, index, input);
  if (hooks.executor) {
    hooks.executor->Run(block, index, input, weight, y);
  } else {
    LinearForward(input, weight, y);
  }
}

Matrix BlockModelLogits(const BlockLinearModel& model, std::span<const int> tokens,
                        const BlockLinearHooks& hooks) {
  BlockActivations a = model.Embed(tokens);
  for (int b = 0; b < model.num_blocks(); ++b) model.RunBlock(b, a, hooks);
  return model.Head(a);
}

PerplexityResult EvaluateBlockModelPerplexity(const BlockLinearModel& model,
                                              const std::vector<std::vector<int>>& sequences,
                                              const PerplexityOptions& options,
                                              const LinearExecutor* executor) {
  BlockLinearHooks hooks;
  hooks.executor = executor;
  return ScoreSequences(sequences, options, [&](int i) {
    const std::span<const int> tokens = sequences[i];
    if (tokens.size() < 2) return SequenceNll{};
    return NllOfLogits(BlockModelLogits(model, tokens.first(tokens.size() - 1), hooks), tokens);
  });
}

std::vector<int> BlockLinearModel::OutlierOrder() const {
  std::vector<int> order(LinearNames().size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  return order;
}

}  // namespace flexcim::pruner
