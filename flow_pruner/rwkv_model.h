// RWKV v5.2 ("Eagle"), the recurrent language model of rwkv.cpp, run in fp32
// as rwkv.cpp computes it (rwkv_graph.inc). Per block:
//   time mixing: x' = LayerNorm(x, ln1); token shift x_s = x' of the previous
//     token (the state's att_x for the first); xk = x'*mix_k + x_s*(1-mix_k)
//     (and v, r, g); r, k, v = W xr, W xk, W xv; g = SiLU(W_g xg); per head
//     h of head_size channels, with the head's state S (head_size x
//     head_size, key index i, value index j), w = time_decay (stored already
//     as exp(-exp(decay))), u = time_faaaa:
//        out[j] = sum_i r[i] * (u[i] k[i] v[j] + S[i][j]);  S[i][j] = S[i][j] w[i] + k[i] v[j]
//     then group norm per head (eps 1e-5, rwkv.cpp's value for v5), * ln_x
//     weight + bias, * g, W_output; residual add.
//   channel mixing: x' = LayerNorm(x, ln2), token shift as above with its own
//     state ffn_x; out = sigmoid(W_r xr) * W_v (relu(W_k xk))^2; residual add.
// RWKV v7 follows rwkv.cpp's rwkv_att_v7 / rwkv_ffn_v7 / rwkv_wkv_v7: six
// token-shift mixes x + (x_prev - x) * mix, low-rank decay
// w = exp(-0.606531 sigmoid(w0 + w2 tanh(w1 xw))), in-context learning rate
// a = sigmoid(a0 + a2 a1 xa), value residual to layer 0's v, gate
// g = g2 sigmoid(g1 xg), kk = L2-normalised (k * k_k) per head,
// k += k * k_a * (a - 1); per head (value index i, key index j)
//   sa = sum_j (-kk[j]) S[i][j];  S[i][j] = S[i][j] w[j] + v[i] k[j] + sa kk[j] a[j]
//   out[i] = sum_j S[i][j] r[j]
// then group norm (eps 64e-5), + v * sum(k r r_k) per head, * g, W_output;
// channel mixing W_v (relu(W_k (x + (x_prev - x) x_k)))^2.
// Before block 0, LayerNorm(ln0) of the embedding; after the last,
// LayerNorm(ln_out) and the head. Every LayerNorm has eps 1e-5.
//
// The linear layers (W_key, W_value, W_receptance, W_output, W_gate,
// ffn key/value/receptance) are batched over the tokens of a sequence
// (gemm.h), so a whole block and token-by-token stepping give identical
// results; only the WKV recurrence runs token by token.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "flow_pruner/matrix.h"
#include "flow_pruner/recurrent_language_model.h"

namespace flexcim::pruner {

struct RwkvLayerNorm {
  std::vector<float> weight, bias;
};

// RWKV v7 ("Goose") time-mixing parameters, as rwkv.cpp's rwkv_att_v7 uses
// them (low-rank matrices stored [out][in]).
struct Rwkv7Mix {
  std::vector<float> x_r, x_w, x_k, x_v, x_a, x_g;  // the six token-shift mixes (att.x_rwkvag)
  Matrix w1, w2, a1, a2, v1, v2, g1, g2;            // v1/v2/v0 absent in layer 0
  std::vector<float> w0, a0, v0;
  std::vector<float> k_k, k_a, r_k;
  std::vector<float> ffn_x_k;
};

struct RwkvLayer {
  RwkvLayerNorm ln1, ln2;
  Rwkv7Mix v7;  // version 7 only
  // Time mixing.
  std::vector<float> time_mix_k, time_mix_v, time_mix_r, time_mix_g;
  std::vector<float> time_decay;  // n_embed, channel = head * head_size + i; exp(-exp(.)) applied
  std::vector<float> time_first;  // "time_faaaa", n_embed
  RwkvLayerNorm ln_x;             // group norm gain and bias
  Matrix att_key, att_value, att_receptance, att_output, att_gate;  // n_embed x n_embed
  // Channel mixing.
  std::vector<float> ffn_time_mix_k, ffn_time_mix_r;
  Matrix ffn_key;         // ffn_dim x n_embed
  Matrix ffn_value;       // n_embed x ffn_dim
  Matrix ffn_receptance;  // n_embed x n_embed
};

// The recurrent state after some tokens: per layer the previous token's
// normalised input of each mixer and every head's WKV state.
struct RwkvState {
  std::vector<std::vector<float>> att_x, ffn_x;  // [layer][n_embed]
  std::vector<std::vector<float>> wkv;           // [layer][heads * head_size * head_size]
};

class RwkvModel : public RecurrentLanguageModel {
 public:
  std::string path;
  std::string data_type = "FP32";  // of the file
  int version_major = 5, version_minor = 2;
  int n_vocab = 0, n_embed = 0, n_layer = 0, head_count = 0, head_size = 0;
  Matrix emb;  // n_vocab x n_embed
  RwkvLayerNorm ln0, ln_out;
  std::vector<RwkvLayer> layers;
  Matrix head;  // n_vocab x n_embed

  int vocab_size() const override { return n_vocab; }
  std::string Describe() const override;
  // rwkv.cpp's tiny models have 256 tokens, the byte values.
  bool byte_vocabulary() const override { return n_vocab == 256; }

  // An empty (all zero) state.
  RwkvState EmptyState() const;
  // Logits (tokens x vocab) of `tokens` run from `state`, which is advanced
  // past them. Throws Error for an empty sequence or a token outside [0, n_vocab).
  Matrix Run(std::span<const int> tokens, RwkvState& state) const;

  // BlockLinearModel: the macro's linear layers of a block, v5.2
  // att.{receptance,key,value,gate,output}, ffn.{receptance,key,value};
  // v7 att.{receptance,key,value,output}, ffn.{key,value} (its low-rank
  // decay, gate, in-context rate and value-residual matrices stay outside,
  // with the recurrence).
  int num_blocks() const override { return n_layer; }
  std::vector<std::string> LinearNames() const override;
  const Matrix& Linear(int block, int index) const override;
  Matrix& MutableLinear(int block, int index) override {
    return const_cast<Matrix&>(std::as_const(*this).Linear(block, index));
  }
  BlockActivations Embed(std::span<const int> tokens) const override;
  void RunBlock(int block, BlockActivations& a, const BlockLinearHooks& hooks) const override;
  Matrix Head(const BlockActivations& a) const override;
  std::unique_ptr<BlockLinearModel> CloneModel() const override;

 private:
  // Block `layer` on `a` with its state (att_x, ffn_x, wkv) advanced.
  void RunLayer(int layer, BlockActivations& a, std::vector<float>& att_x, std::vector<float>& ffn_x,
                std::vector<float>& wkv, const BlockLinearHooks& hooks) const;
};

}  // namespace flexcim::pruner
