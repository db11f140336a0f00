// Mamba-1 as Hugging Face's MambaForCausalLM computes it (transformers
// modeling_mamba.py, the slow path), in fp32. Per layer, on the residual
// stream x:
//   h = RMSNorm(x) (eps layer_norm_epsilon);  [u | z] = in_proj h  (d_inner each)
//   u = SiLU(causal depthwise conv1d of width d_conv over u, with bias)
//   [dt_in | B | C] = x_proj u  (dt_rank, d_state, d_state)
//   dt = softplus(dt_proj dt_in + dt_bias);  A = -exp(A_log)  (d_inner x d_state)
//   per channel c and state n:  s[c][n] = exp(A[c][n] dt[c]) s[c][n] + dt[c] B[n] u[c]
//   y[c] = (sum_n s[c][n] C[n] + D[c] u[c]) * SiLU(z[c]);  x += out_proj y
// then RMSNorm(norm_f) and the head (the embedding when tied).
// The linear layers (in_proj, x_proj, dt_proj, out_proj, head) are batched
// over the tokens (gemm.h), so a whole block and token-by-token stepping give
// identical results; the convolution and the scan run token by token and
// carry their state (the last d_conv - 1 conv inputs, s).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "flow_pruner/matrix.h"
#include "flow_pruner/recurrent_language_model.h"

namespace flexcim::pruner {

struct MambaConfig {
  int d_model = 0;
  int n_layer = 0;
  int vocab_size = 0;  // padded to pad_vocab_size_multiple: the embedding's rows
  int d_state = 16;
  int d_conv = 4;
  int expand = 2;
  int dt_rank = 0;
  float norm_eps = 1e-5f;
  bool tie_word_embeddings = true;
  bool conv_bias = true;  // use_conv_bias
  bool proj_bias = false;  // use_bias: in_proj and out_proj biases
  int d_inner() const { return expand * d_model; }
};

struct MambaLayer {
  std::vector<float> norm;           // d_model
  Matrix in_proj;                    // 2 d_inner x d_model
  std::vector<float> in_proj_bias;   // 2 d_inner, when proj_bias
  Matrix conv_weight;                // d_inner x d_conv
  std::vector<float> conv_bias;      // d_inner, when conv_bias
  Matrix x_proj;                     // dt_rank + 2 d_state x d_inner
  Matrix dt_proj;                    // d_inner x dt_rank
  std::vector<float> dt_proj_bias;   // d_inner
  Matrix A_log;                      // d_inner x d_state
  std::vector<float> D;              // d_inner
  Matrix out_proj;                   // d_model x d_inner
  std::vector<float> out_proj_bias;  // d_model, when proj_bias
};

struct MambaState {
  std::vector<std::vector<float>> conv;  // [layer][(d_conv - 1) * d_inner], oldest input first
  std::vector<std::vector<float>> ssm;   // [layer][d_inner * d_state]
};

class MambaModel : public RecurrentLanguageModel {
 public:
  std::string source;       // the directory
  std::string description;  // "Hugging Face MambaForCausalLM (BF16)"
  MambaConfig config;
  Matrix embedding;  // vocab_size x d_model
  std::vector<MambaLayer> layers;
  std::vector<float> norm_f;
  std::optional<Matrix> lm_head;  // when not tied

  int vocab_size() const override { return config.vocab_size; }
  std::string Describe() const override { return description; }

  MambaState EmptyState() const;
  // Logits (tokens x vocab) of `tokens` run from `state`, which is advanced.
  // Throws Error for an empty sequence or a token outside the vocabulary.
  Matrix Run(std::span<const int> tokens, MambaState& state) const;

  // BlockLinearModel: in_proj, x_proj, dt_proj, out_proj of every layer go
  // to the macro; the norm, convolution, scan, A_log, D, the biases, the
  // embedding and the head stay outside.
  int num_blocks() const override { return config.n_layer; }
  std::vector<std::string> LinearNames() const override;
  const Matrix& Linear(int block, int index) const override;
  Matrix& MutableLinear(int block, int index) override {
    return const_cast<Matrix&>(std::as_const(*this).Linear(block, index));
  }
  BlockActivations Embed(std::span<const int> tokens) const override;
  void RunBlock(int block, BlockActivations& a, const BlockLinearHooks& hooks) const override;
  Matrix Head(const BlockActivations& a) const override;
  std::unique_ptr<BlockLinearModel> CloneModel() const override;
};

}  // namespace flexcim::pruner
