// BlockLinearModel: what the pruning flow needs of a model family, so one
// pipeline (block_model_pruning.h), one quantised/macro evaluation and one
// container serve RWKV and Mamba (and any other family that implements it):
//   - its blocks' linear layers (the macro's work), by block and index,
//     named by LinearNames() (the same list for every block);
//   - a way to run one block forward on a stream of activations, with hooks
//     that see every linear layer's input and may compute it elsewhere (a
//     LinearExecutor: W/A fake-quantised, or the macro's integer tiles);
//   - the embedding before the first block and the head after the last, so
//     a perplexity with chosen linear executors is Embed, RunBlock for
//     every block, Head.
// Each block runs from its empty recurrent state: a calibration sample and a
// scored sequence both start from an empty state. Everything that is not
// one of the listed linear layers (norms, token shift, the WKV recurrence,
// Mamba's convolution and scan, the embedding and the head) stays outside
// the macro, as attention does for a Llama.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "flow_pruner/linear_executor.h"
#include "flow_pruner/matrix.h"
#include "flow_pruner/perplexity.h"

namespace flexcim::pruner {

// The activations flowing from block to block of one sequence.
struct BlockActivations {
  Matrix x;        // the residual stream, tokens x width
  Matrix carried;  // what a family carries besides it (RWKV v7: layer 0's values), else empty
};

struct BlockLinearHooks {
  // Sees the input (tokens x in) of block `block`'s linear layer `index`.
  std::function<void(int block, int index, const Matrix& input)> observe_input;
  // Computes every listed linear layer instead of the fp32 GEMM; nullptr =
  // the fp32 GEMM. Not owned.
  const LinearExecutor* executor = nullptr;
};

class BlockLinearModel {
 public:
  virtual ~BlockLinearModel() = default;
  virtual int num_blocks() const = 0;
  // The linear layers of a block, e.g. in_proj, x_proj, dt_proj, out_proj.
  virtual std::vector<std::string> LinearNames() const = 0;
  // Weight (out x in) of block `block`'s linear layer `index`; Error for
  // one that does not exist.
  virtual const Matrix& Linear(int block, int index) const = 0;
  // The same for writing (pruning): Error for a read-only model.
  virtual Matrix& MutableLinear(int block, int index) = 0;
  // Block 0's input for `tokens`. Throws Error for an empty sequence or a
  // token outside the vocabulary.
  virtual BlockActivations Embed(std::span<const int> tokens) const = 0;
  // Runs block `block` on `a` in place, from its empty state.
  virtual void RunBlock(int block, BlockActivations& a, const BlockLinearHooks& hooks) const = 0;
  // Logits (tokens x vocab) from the last block's output.
  virtual Matrix Head(const BlockActivations& a) const = 0;
  // A copy of the whole model (the pipeline prunes the copy).
  virtual std::unique_ptr<BlockLinearModel> CloneModel() const = 0;

  // Layers that see the same input name one owner (a Llama's wk and wv
  // name wq, w3 names w1), whose calibration statistics they share;
  // default: every layer its own.
  virtual int InputOwner(int index) const { return index; }
  // The order in which a block's layers' outlier positions are concatenated
  // for its locality D_i (a Llama: the reference's q k v o gate up down);
  // default: LinearNames() order.
  virtual std::vector<int> OutlierOrder() const;
  // After block `block`'s weights are reconstructed: rounds them to the
  // dtype the model is written in (a Hugging Face checkpoint's BF16/F16), so
  // later blocks compute with what is written; default: nothing.
  virtual void RoundBlockToStorage(int /*block*/) {}
};

// y = input W^T through `hooks` (observe, then the executor or the GEMM):
// what a family's block calls for each of its listed linear layers.
void RunBlockLinear(const BlockLinearHooks& hooks, int block, int index, const Matrix& input,
                    const Matrix& weight, Matrix& y);

// Embed, every block, Head.
Matrix BlockModelLogits(const BlockLinearModel& model, std::span<const int> tokens,
                        const BlockLinearHooks& hooks = {});

// Perplexity with every listed linear layer computed by `executor` (nullptr:
// fp32), each sequence from an empty state (L tokens give L - 1 predictions),
// sequences in parallel, sums in sequence order.
PerplexityResult EvaluateBlockModelPerplexity(const BlockLinearModel& model,
                                              const std::vector<std::vector<int>>& sequences,
                                              const PerplexityOptions& options,
                                              const LinearExecutor* executor = nullptr);

}  // namespace flexcim::pruner
