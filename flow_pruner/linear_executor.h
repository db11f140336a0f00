// LinearExecutor: what computes one linear layer of a transformer block in
// the forward pass (ForwardHooks::executor). The forward pass itself is the
// same for every executor; only y = x W^T changes:
// - no executor: the fp32 GEMM (gemm.h);
// - MacroLinearExecutor (macro_linear_executor.h): the pruned layer's
//   integer tiles on the golden macro, or on any other integer layer runner
//   such as the Verilated RTL (verif/model_on_rtl_test.cpp).
#pragma once

#include "flow_pruner/llama_model.h"
#include "flow_pruner/matrix.h"

namespace flexcim::pruner {

class LinearExecutor {
 public:
  virtual ~LinearExecutor() = default;
  // y (tokens x out) for block `layer`'s linear `kind` on `input`
  // (tokens x in); `weight` (out x in) is the model's fp32 weight of that
  // layer. Called from every thread that runs a forward pass: must be
  // thread-safe when perplexity runs with several threads.
  virtual void Run(int layer, LinearKind kind, const Matrix& input, const Matrix& weight,
                   Matrix& y) const = 0;
};

}  // namespace flexcim::pruner
