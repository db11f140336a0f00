// LinearExecutor: what computes one linear layer of a model block in the
// forward pass (ForwardHooks::executor for a Llama, BlockLinearHooks::executor
// for every BlockLinearModel). The forward pass itself is the same for every
// executor; only y = x W^T changes:
// - no executor: the fp32 GEMM (gemm.h);
// - QuantizedLinearExecutor (quantized_eval.h): the W/A fake-quantised layer;
// - MacroLinearExecutor (macro_linear_executor.h): the pruned layer's
//   integer tiles on the golden macro, or on any other integer layer runner
//   such as the Verilated RTL (verif/model_on_rtl_test.cpp).
// A layer is named by its block and its index among the block's linear
// layers: LinearIndex(kind) for a Llama, the position in
// BlockLinearModel::LinearNames() otherwise.
#pragma once

#include "flow_pruner/matrix.h"

namespace flexcim::pruner {

class LinearExecutor {
 public:
  virtual ~LinearExecutor() = default;
  // y (tokens x out) for block `block`'s linear layer `index` on `input`
  // (tokens x in); `weight` (out x in) is the model's fp32 weight of that
  // layer. Called from every thread that runs a forward pass: must be
  // thread-safe when perplexity runs with several threads.
  virtual void Run(int block, int index, const Matrix& input, const Matrix& weight,
                   Matrix& y) const = 0;
};

}  // namespace flexcim::pruner
