// fp32 Llama forward pass over one whole sequence at a time, batched over
// tokens (activations are Matrix tokens x features), as llama2.c computes it:
// RMSNorm (eps 1e-5, or the config's rms_eps) -> q, k, v (+ biases when the
// layer has them, Qwen2) -> RoPE on adjacent pairs inside each head
// (llama2.c frequencies with base config.rope_theta; Hugging Face q/k rows are
// un-permuted on load so their rotate-half RoPE is this same rotation) -> causal grouped-query attention, scale
// 1/sqrt(head_size) -> wo -> residual -> RMSNorm -> w2(silu(w1 x) * w3 x)
// -> residual; then final RMSNorm and the classifier.
//
// Deterministic: a token's logits depend only on the model and the tokens,
// never on threads or ISA (see gemm.h).
#pragma once

#include <functional>
#include <span>

#include "flow_pruner/llama_model.h"
#include "flow_pruner/matrix.h"

namespace flexcim::pruner {

class LinearExecutor;  // flow_pruner/linear_executor.h

// Hook points around every linear layer. Each is called on the thread that
// runs Forward (make them thread-safe when evaluating with several threads).
struct ForwardHooks {
  // May modify the input (tokens x in_features) in place just before
  // `layer`'s linear `kind` uses it, e.g. to fake-quantise activations per
  // token. q, k, v (and w1, w3) get separate copies when this is set.
  std::function<void(int layer, LinearKind kind, Matrix& input)> transform_input;
  // Sees the input exactly as the linear layer uses it (after
  // transform_input), e.g. to accumulate Wanda statistics.
  std::function<void(int layer, LinearKind kind, const Matrix& input)> observe_input;
  // Computes every transformer-block linear layer (after the two hooks
  // above) instead of the fp32 GEMM, e.g. on the macro's integer tiles;
  // nullptr = the fp32 GEMM. Not owned; must outlive the call.
  const LinearExecutor* executor = nullptr;
};

// Runs transformer block `layer_index` (weights `layer`) on the residual
// stream x (tokens x dim, positions 0..tokens-1) in place, exactly as
// RunTransformerLayers does for that block.
void RunTransformerBlock(const LlamaConfig& config, const LlamaLayer& layer, int layer_index,
                         Matrix& x, const ForwardHooks& hooks = {});

// The residual stream (tokens x dim) after the first `num_layers` transformer
// blocks (num_layers in [0, n_layers]). Throws Error for token ids outside
// the vocabulary, an empty sequence or more than seq_len tokens.
Matrix RunTransformerLayers(const LlamaModel& model, std::span<const int> tokens,
                            int num_layers, const ForwardHooks& hooks = {});

// Logits (tokens x vocab): every layer, final RMSNorm, classifier.
Matrix ForwardLogits(const LlamaModel& model, std::span<const int> tokens,
                     const ForwardHooks& hooks = {});

// Logits (tokens x vocab) of a final residual stream x (tokens x dim): the
// final RMSNorm and the classifier, as ForwardLogits ends.
Matrix ClassifierLogits(const LlamaModel& model, const Matrix& x);
// The same into `logits`, reusing its storage (no allocation when it is
// large enough).
void ClassifierLogits(const LlamaModel& model, const Matrix& x, Matrix& logits);

// y = x / sqrt(mean(x^2) + eps) * gain, per row (llama2.c rmsnorm).
void RmsNormRows(const Matrix& x, const std::vector<float>& gain, Matrix& y, float eps = 1e-5f);

}  // namespace flexcim::pruner
