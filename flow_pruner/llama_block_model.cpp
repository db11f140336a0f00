#include "flow_pruner/llama_block_model.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "flow_pruner/forward.h"
#include "flow_pruner/hf_checkpoint.h"

namespace flexcim::pruner {

std::vector<std::string> LlamaBlockModel::LinearNames() const {
  std::vector<std::string> names;
  for (LinearKind k : kAllLinearKinds) names.emplace_back(LinearName(k));
  return names;
}

LlamaBlockModel::LlamaBlockModel(const LlamaBlockModel& other)
    : owned_(other.owned_), model_(owned_ ? &*owned_ : other.model_) {}

LlamaModel& LlamaBlockModel::owned_model() {
  if (!owned_) throw Error("Llama model: a view is read-only");
  return *owned_;
}

const Matrix& LlamaBlockModel::Linear(int block, int index) const {
  if (block < 0 || block >= num_blocks() || index < 0 || index >= kNumLinearKinds) {
    throw Error(fmt::format("Llama model: no linear layer {} in block {}", index, block));
  }
  return model_->layers[block].linear(kAllLinearKinds[index]);
}

Matrix& LlamaBlockModel::MutableLinear(int block, int index) {
  Linear(block, index);  // the range check
  return owned_model().layers[block].linear(kAllLinearKinds[index]);
}

BlockActivations LlamaBlockModel::Embed(std::span<const int> tokens) const {
  return BlockActivations{RunTransformerLayers(*model_, tokens, 0), Matrix()};
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
  RunTransformerBlock(model_->config, model_->layers[block], block, a.x, forward);
}

Matrix LlamaBlockModel::Head(const BlockActivations& a) const { return ClassifierLogits(*model_, a.x); }

std::unique_ptr<BlockLinearModel> LlamaBlockModel::CloneModel() const {
  return std::make_unique<LlamaBlockModel>(*model_);
}

int LlamaBlockModel::InputOwner(int index) const {
  switch (kAllLinearKinds.at(index)) {
    case LinearKind::kK:
    case LinearKind::kV: return LinearIndex(LinearKind::kQ);
    case LinearKind::kW3: return LinearIndex(LinearKind::kW1);
    default: return index;
  }
}

std::vector<int> LlamaBlockModel::OutlierOrder() const {
  std::vector<int> order;
  for (LinearKind k : {LinearKind::kQ, LinearKind::kK, LinearKind::kV, LinearKind::kO, LinearKind::kW1,
                       LinearKind::kW3, LinearKind::kW2}) {
    order.push_back(LinearIndex(k));
  }
  return order;
}

void LlamaBlockModel::RoundBlockToStorage(int block) { RoundBlockToStorageDtype(owned_model(), block); }

}  // namespace flexcim::pruner
