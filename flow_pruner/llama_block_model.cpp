#include "flow_pruner/llama_block_model.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "flow_pruner/forward.h"

namespace flexcim::pruner {

std::vector<std::string> LlamaBlockModel::LinearNames() const {
  std::vector<std::string> names;
  for (LinearKind k : kAllLinearKinds) names.emplace_back(LinearName(k));
  return names;
}

Matrix& LlamaBlockModel::Linear(int block, int index) {
  if (block < 0 || block >= num_blocks() || index < 0 || index >= kNumLinearKinds) {
    throw Error(fmt::format("Llama model: no linear layer {} in block {}", index, block));
  }
  return model_.layers[block].linear(kAllLinearKinds[index]);
}

BlockActivations LlamaBlockModel::Embed(std::span<const int> tokens) const {
  return BlockActivations{RunTransformerLayers(model_, tokens, 0), Matrix()};
}

void LlamaBlockModel::RunBlock(int block, BlockActivations& a, const BlockLinearHooks& hooks) const {
  if (block < 0 || block >= num_blocks()) {
    throw Error(fmt::format("Llama model: block {} outside [0, {})", block, num_blocks()));
  }
  ForwardHooks forward;
  if (hooks.observe_input) {
    forward.observe_input = [&](int layer, LinearKind kind, const Matrix& x) {
      hooks.observe_input(layer, LinearIndex(kind), x);
    };
  }
  forward.executor = hooks.executor;
  RunTransformerBlock(model_.config, model_.layers[block], block, a.x, forward);
}

Matrix LlamaBlockModel::Head(const BlockActivations& a) const { return ClassifierLogits(model_, a.x); }

std::unique_ptr<BlockLinearModel> LlamaBlockModel::CloneModel() const {
  return std::make_unique<LlamaBlockModel>(model_);
}

}  // namespace flexcim::pruner
