#include "flow_pruner/forward.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "flow_pruner/attention.h"
#include "flow_pruner/gemm.h"
#include "flow_pruner/linear_executor.h"

namespace flexcim::pruner {

namespace {

void CheckTokens(const LlamaConfig& c, std::span<const int> tokens) {
  if (tokens.empty()) throw Error("forward pass: empty token sequence");
  if (static_cast<int64_t>(tokens.size()) > c.seq_len) {
    throw Error(fmt::format("forward pass: {} tokens exceed the model's seq_len {}",
                            tokens.size(), c.seq_len));
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] < 0 || tokens[i] >= c.vocab_size) {
      throw Error(fmt::format("forward pass: token {} at position {} is outside the vocabulary "
                              "[0, {})",
                              tokens[i], i, c.vocab_size));
    }
  }
}

// Applies the hooks, then the linear layer: y = input * W^T.
void ApplyLinear(const ForwardHooks& hooks, int layer, LinearKind kind, const Matrix& input,
                 const Matrix& weight, Matrix& scratch, Matrix& y) {
  const Matrix* used = &input;
  if (hooks.transform_input) {
    scratch = input;
    hooks.transform_input(layer, kind, scratch);
    used = &scratch;
  }
  if (hooks.observe_input) hooks.observe_input(layer, kind, *used);
  if (hooks.executor) {
    hooks.executor->Run(layer, LinearIndex(kind), *used, weight, y);
  } else {
    LinearForward(*used, weight, y);
  }
}

// cos/sin of pos * theta^(-i/head_size) for even i, exactly as llama2.c run.c
// (theta 10000 there; a Hugging Face config's rope_theta otherwise).
void RopeTables(int tokens, int head_size, float theta, std::vector<float>& cos_table,
                std::vector<float>& sin_table) {
  const int half = head_size / 2;
  cos_table.resize(static_cast<size_t>(tokens) * half);
  sin_table.resize(static_cast<size_t>(tokens) * half);
  for (int pos = 0; pos < tokens; ++pos) {
    for (int p = 0; p < half; ++p) {
      const int head_dim = 2 * p;
      const float freq = 1.0f / powf(theta, static_cast<float>(head_dim) /
                                                   static_cast<float>(head_size));
      const float val = static_cast<float>(pos) * freq;
      cos_table[static_cast<size_t>(pos) * half + p] = cosf(val);
      sin_table[static_cast<size_t>(pos) * half + p] = sinf(val);
    }
  }
}

void ApplyRope(Matrix& m, int head_size, const std::vector<float>& cos_table,
               const std::vector<float>& sin_table) {
  const int half = head_size / 2;
  for (int t = 0; t < m.rows; ++t) {
    float* row = m.row(t);
    const float* c = cos_table.data() + static_cast<size_t>(t) * half;
    const float* s = sin_table.data() + static_cast<size_t>(t) * half;
    for (int i = 0; i < m.cols; i += 2) {
      const int p = (i % head_size) / 2;
      const float v0 = row[i];
      const float v1 = row[i + 1];
      row[i] = v0 * c[p] - v1 * s[p];
      row[i + 1] = v0 * s[p] + v1 * c[p];
    }
  }
}

void AddInPlace(Matrix& x, const Matrix& delta) {
  for (size_t i = 0; i < x.data.size(); ++i) x.data[i] += delta.data[i];
}

// y[t][i] += bias[i] for every token t (no-op for an absent bias).
void AddBiasRows(Matrix& y, const std::vector<float>& bias) {
  if (bias.empty()) return;
  for (int t = 0; t < y.rows; ++t) {
    float* row = y.row(t);
    for (int i = 0; i < y.cols; ++i) row[i] += bias[i];
  }
}

}  // namespace

void RmsNormRows(const Matrix& x, const std::vector<float>& gain, Matrix& y, float eps) {
  if (y.rows != x.rows || y.cols != x.cols) y = Matrix(x.rows, x.cols);
  for (int t = 0; t < x.rows; ++t) {
    const float* in = x.row(t);
    float* o = y.row(t);
    float ss = 0.0f;
    for (int j = 0; j < x.cols; ++j) ss += in[j] * in[j];
    ss /= static_cast<float>(x.cols);
    ss += eps;
    ss = 1.0f / std::sqrt(ss);
    for (int j = 0; j < x.cols; ++j) o[j] = gain[j] * (ss * in[j]);
  }
}

void RunTransformerBlock(const LlamaConfig& c, const LlamaLayer& layer, int l, Matrix& x,
                         const ForwardHooks& hooks) {
  if (x.cols != c.dim || x.rows < 1 || x.rows > c.seq_len) {
    throw Error(fmt::format("transformer block {}: input is {}x{}, must be tokens x {} with 1..{} "
                            "tokens", l, x.rows, x.cols, c.dim, c.seq_len));
  }
  std::vector<float> cos_table, sin_table;
  RopeTables(x.rows, c.head_size(), c.rope_theta, cos_table, sin_table);
  Matrix xb, q, k, v, att, delta, h1, h3, scratch;
  RmsNormRows(x, layer.rms_att, xb, c.rms_eps);
  ApplyLinear(hooks, l, LinearKind::kQ, xb, layer.wq, scratch, q);
  ApplyLinear(hooks, l, LinearKind::kK, xb, layer.wk, scratch, k);
  ApplyLinear(hooks, l, LinearKind::kV, xb, layer.wv, scratch, v);
  AddBiasRows(q, layer.bq);
  AddBiasRows(k, layer.bk);
  AddBiasRows(v, layer.bv);
  ApplyRope(q, c.head_size(), cos_table, sin_table);
  ApplyRope(k, c.head_size(), cos_table, sin_table);
  CausalAttention(c, q, k, v, att);
  ApplyLinear(hooks, l, LinearKind::kO, att, layer.wo, scratch, delta);
  AddInPlace(x, delta);

  RmsNormRows(x, layer.rms_ffn, xb, c.rms_eps);
  ApplyLinear(hooks, l, LinearKind::kW1, xb, layer.w1, scratch, h1);
  ApplyLinear(hooks, l, LinearKind::kW3, xb, layer.w3, scratch, h3);
  for (size_t i = 0; i < h1.data.size(); ++i) {
    float val = h1.data[i];
    val *= 1.0f / (1.0f + expf(-val));  // silu
    h1.data[i] = val * h3.data[i];
  }
  ApplyLinear(hooks, l, LinearKind::kW2, h1, layer.w2, scratch, delta);
  AddInPlace(x, delta);
}

Matrix RunTransformerLayers(const LlamaModel& model, std::span<const int> tokens, int num_layers,
                            const ForwardHooks& hooks) {
  const LlamaConfig& c = model.config;
  CheckTokens(c, tokens);
  if (num_layers < 0 || num_layers > c.n_layers) {
    throw Error(fmt::format("forward pass: num_layers {} outside [0, {}]", num_layers, c.n_layers));
  }
  const int T = static_cast<int>(tokens.size());
  Matrix x(T, c.dim);
  for (int t = 0; t < T; ++t) {
    std::copy_n(model.token_embedding.row(tokens[t]), c.dim, x.row(t));
  }
  for (int l = 0; l < num_layers; ++l) RunTransformerBlock(c, model.layers[l], l, x, hooks);
  return x;
}

Matrix ForwardLogits(const LlamaModel& model, std::span<const int> tokens,
                     const ForwardHooks& hooks) {
  return ClassifierLogits(model, RunTransformerLayers(model, tokens, model.config.n_layers, hooks));
}

Matrix ClassifierLogits(const LlamaModel& model, const Matrix& x) {
  Matrix logits;
  ClassifierLogits(model, x, logits);
  return logits;
}

void ClassifierLogits(const LlamaModel& model, const Matrix& x, Matrix& logits) {
  Matrix xn;
  RmsNormRows(x, model.rms_final, xn, model.config.rms_eps);
  LinearForward(xn, model.classifier(), logits);
}

}  // namespace flexcim::pruner
