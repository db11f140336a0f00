// LlamaBlockModel: a LlamaModel seen through BlockLinearModel (a block = one
// transformer block, its linear layers wq wk wv wo w1 w2 w3 by LinearIndex,
// the forward pass of forward.h), so the family-neutral pruning flow
// (block_model_pruning.h) and evaluation run on a Llama too: the Llama
// pipeline (prune_pipeline.h) is that flow with its Llama-only selections.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flow_pruner/block_linear_model.h"
#include "flow_pruner/llama_model.h"

namespace flexcim::pruner {

class LlamaBlockModel : public BlockLinearModel {
 public:
  // Owns `model`.
  explicit LlamaBlockModel(LlamaModel model) : owned_(std::move(model)), model_(&*owned_) {}
  // Reads `model` in place (no copy; it must outlive this): Linear() for
  // writing throws, CloneModel() makes an owning copy.
  static LlamaBlockModel View(const LlamaModel& model) { return LlamaBlockModel(&model); }
  LlamaBlockModel(const LlamaBlockModel& other);
  LlamaBlockModel& operator=(const LlamaBlockModel&) = delete;
  const LlamaModel& model() const { return *model_; }
  // The owned model (Error for a view).
  LlamaModel& owned_model();

  int num_blocks() const override { return model_->config.n_layers; }
  std::vector<std::string> LinearNames() const override;
  const Matrix& Linear(int block, int index) const override;
  Matrix& MutableLinear(int block, int index) override;
  BlockActivations Embed(std::span<const int> tokens) const override;
  void RunBlock(int block, BlockActivations& a, const BlockLinearHooks& hooks) const override;
  Matrix Head(const BlockActivations& a) const override;
  std::unique_ptr<BlockLinearModel> CloneModel() const override;
  int InputOwner(int index) const override;        // wk, wv -> wq; w3 -> w1
  std::vector<int> OutlierOrder() const override;  // q k v o w1 w3 w2
  void RoundBlockToStorage(int block) override;    // hf_checkpoint.h RoundBlockToStorageDtype

 private:
  explicit LlamaBlockModel(const LlamaModel* view) : model_(view) {}
  std::optional<LlamaModel> owned_;
  const LlamaModel* model_;  // &*owned_ or the viewed model
};

}  // namespace flexcim::pruner
