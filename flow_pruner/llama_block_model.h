// LlamaBlockModel: a LlamaModel seen through BlockLinearModel (a block = one
// transformer block, its linear layers wq wk wv wo w1 w2 w3 by LinearIndex,
// the forward pass of forward.h), so the family-neutral pruning flow
// (block_model_pruning.h) and evaluation run on a Llama too; the test
// prune_pipeline_test checks that they give the Llama pipeline's container.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "flow_pruner/block_linear_model.h"
#include "flow_pruner/llama_model.h"

namespace flexcim::pruner {

class LlamaBlockModel : public BlockLinearModel {
 public:
  explicit LlamaBlockModel(LlamaModel model) : model_(std::move(model)) {}
  const LlamaModel& model() const { return model_; }

  int num_blocks() const override { return model_.config.n_layers; }
  std::vector<std::string> LinearNames() const override;
  Matrix& Linear(int block, int index) override;
  BlockActivations Embed(std::span<const int> tokens) const override;
  void RunBlock(int block, BlockActivations& a, const BlockLinearHooks& hooks) const override;
  Matrix Head(const BlockActivations& a) const override;
  std::unique_ptr<BlockLinearModel> CloneModel() const override;

 private:
  LlamaModel model_;
};

}  // namespace flexcim::pruner
