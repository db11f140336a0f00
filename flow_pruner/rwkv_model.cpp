#include "flow_pruner/rwkv_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "core/errors.h"
#include "flow_pruner/gemm.h"

namespace flexcim::pruner {

namespace {

constexpr float kLayerNormEps = 1e-5f;
// rwkv.cpp's group norm of the v5 WKV output (rwkv_att_v5: ggml_norm(x, 1e-5f)).
constexpr float kGroupNormEps = 1e-5f;

// y = (x - mean) / sqrt(var + eps) over `n` values (ggml_norm: double sums).
void Normalize(const float* x, int n, float eps, float* y) {
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum += x[i];
  const float mean = static_cast<float>(sum / n);
  double sum2 = 0.0;
  for (int i = 0; i < n; ++i) {
    const float d = x[i] - mean;
    y[i] = d;
    sum2 += static_cast<double>(d) * d;
  }
  const float scale = 1.0f / std::sqrt(static_cast<float>(sum2 / n) + eps);
  for (int i = 0; i < n; ++i) y[i] *= scale;
}

Matrix LayerNormRows(const Matrix& x, const RwkvLayerNorm& ln) {
  Matrix y(x.rows, x.cols);
  for (int t = 0; t < x.rows; ++t) {
    float* out = y.row(t);
    Normalize(x.row(t), x.cols, kLayerNormEps, out);
    for (int i = 0; i < x.cols; ++i) out[i] = out[i] * ln.weight[i] + ln.bias[i];
  }
  return y;
}

// x*mix + prev*(1-mix), prev = the row before (the carried vector for row 0),
// computed as rwkv.cpp does: x*mix + (prev - prev*mix).
Matrix TokenShiftMix(const Matrix& x, const std::vector<float>& carried, const std::vector<float>& mix) {
  Matrix y(x.rows, x.cols);
  for (int t = 0; t < x.rows; ++t) {
    const float* prev = t == 0 ? carried.data() : x.row(t - 1);
    const float* cur = x.row(t);
    float* out = y.row(t);
    for (int i = 0; i < x.cols; ++i) out[i] = cur[i] * mix[i] + (prev[i] - prev[i] * mix[i]);
  }
  return y;
}

void KeepLastRow(const Matrix& x, std::vector<float>& carried) {
  carried.assign(x.row(x.rows - 1), x.row(x.rows - 1) + x.cols);
}

float Sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

// The macro's linear layers of a block, by version (RwkvModel::LinearNames()).
enum V5Linear { kR5, kK5, kV5, kG5, kO5, kFfnR5, kFfnK5, kFfnV5 };
enum V7Linear { kR7, kK7, kV7, kO7, kFfnK7, kFfnV7 };
constexpr std::array<Matrix RwkvLayer::*, 8> kV5Linears = {
    &RwkvLayer::att_receptance, &RwkvLayer::att_key,        &RwkvLayer::att_value,
    &RwkvLayer::att_gate,       &RwkvLayer::att_output,     &RwkvLayer::ffn_receptance,
    &RwkvLayer::ffn_key,        &RwkvLayer::ffn_value};
constexpr std::array<Matrix RwkvLayer::*, 6> kV7Linears = {
    &RwkvLayer::att_receptance, &RwkvLayer::att_key, &RwkvLayer::att_value,
    &RwkvLayer::att_output,     &RwkvLayer::ffn_key, &RwkvLayer::ffn_value};

void TimeMixing(const RwkvModel& m, const RwkvLayer& L, int layer, Matrix& x,
                std::vector<float>& att_x, std::vector<float>& wkv_state,
                const BlockLinearHooks& hooks) {
  const int T = x.rows, C = m.n_embed, H = m.head_count, N = m.head_size;
  const Matrix xn = LayerNormRows(x, L.ln1);
  Matrix r, k, v, g;
  RunBlockLinear(hooks, layer, kR5, TokenShiftMix(xn, att_x, L.time_mix_r), L.att_receptance, r);
  RunBlockLinear(hooks, layer, kK5, TokenShiftMix(xn, att_x, L.time_mix_k), L.att_key, k);
  RunBlockLinear(hooks, layer, kV5, TokenShiftMix(xn, att_x, L.time_mix_v), L.att_value, v);
  RunBlockLinear(hooks, layer, kG5, TokenShiftMix(xn, att_x, L.time_mix_g), L.att_gate, g);
  KeepLastRow(xn, att_x);

  Matrix y(T, C);
  std::vector<float> normed(N);
  for (int t = 0; t < T; ++t) {
    float* out = y.row(t);
    for (int h = 0; h < H; ++h) {
      float* S = wkv_state.data() + static_cast<size_t>(h) * N * N;
      const int c0 = h * N;
      // ggml_rwkv_wkv6's order: key index i outer, value index j inner.
      for (int i = 0; i < N; ++i) {
        const float ki = k.at(t, c0 + i), ri = r.at(t, c0 + i);
        const float u = L.time_first[c0 + i], w = L.time_decay[c0 + i];
        float* Si = S + static_cast<size_t>(i) * N;
        for (int j = 0; j < N; ++j) {
          const float kv = v.at(t, c0 + j) * ki;
          out[c0 + j] += (kv * u + Si[j]) * ri;
          Si[j] = Si[j] * w + kv;
        }
      }
      Normalize(out + c0, N, kGroupNormEps, normed.data());
      for (int j = 0; j < N; ++j) {
        const int c = c0 + j;
        const float gv = g.at(t, c);
        const float silu = gv / (1.0f + std::exp(-gv));
        out[c] = (normed[j] * L.ln_x.weight[c] + L.ln_x.bias[c]) * silu;
      }
    }
  }
  Matrix o;
  RunBlockLinear(hooks, layer, kO5, y, L.att_output, o);
  for (size_t i = 0; i < x.data.size(); ++i) x.data[i] += o.data[i];
}

void ChannelMixing(const RwkvLayer& L, int layer, Matrix& x, std::vector<float>& ffn_x,
                   const BlockLinearHooks& hooks) {
  const Matrix xn = LayerNormRows(x, L.ln2);
  Matrix r, k, kv;
  RunBlockLinear(hooks, layer, kFfnR5, TokenShiftMix(xn, ffn_x, L.ffn_time_mix_r), L.ffn_receptance, r);
  RunBlockLinear(hooks, layer, kFfnK5, TokenShiftMix(xn, ffn_x, L.ffn_time_mix_k), L.ffn_key, k);
  KeepLastRow(xn, ffn_x);
  for (float& e : k.data) {
    const float relu = e > 0.0f ? e : 0.0f;
    e = relu * relu;
  }
  RunBlockLinear(hooks, layer, kFfnV5, k, L.ffn_value, kv);
  for (size_t i = 0; i < x.data.size(); ++i) x.data[i] += Sigmoid(r.data[i]) * kv.data[i];
}

// v7: x + (x_prev - x) * mix, as rwkv.cpp (sx = x_prev - x; x + sx * mix).
Matrix ShiftDelta(const Matrix& x, const std::vector<float>& carried, const std::vector<float>& mix) {
  Matrix y(x.rows, x.cols);
  for (int t = 0; t < x.rows; ++t) {
    const float* prev = t == 0 ? carried.data() : x.row(t - 1);
    const float* cur = x.row(t);
    float* out = y.row(t);
    for (int i = 0; i < x.cols; ++i) out[i] = cur[i] + (prev[i] - cur[i]) * mix[i];
  }
  return y;
}

// out = W2 f(W1 x) for a low-rank pair.
Matrix LowRank(const Matrix& x, const Matrix& w1, const Matrix& w2, float (*f)(float)) {
  Matrix h, y;
  LinearForward(x, w1, h);
  if (f) {
    for (float& v : h.data) v = f(v);
  }
  LinearForward(h, w2, y);
  return y;
}

float Tanh(float v) { return std::tanh(v); }
float SigmoidF(float v) { return Sigmoid(v); }

void TimeMixingV7(const RwkvModel& m, const RwkvLayer& L, int layer, Matrix& x, Matrix& v_first,
                  std::vector<float>& att_x, std::vector<float>& wkv_state,
                  const BlockLinearHooks& hooks) {
  const int T = x.rows, C = m.n_embed, H = m.head_count, N = m.head_size;
  const Rwkv7Mix& p = L.v7;
  const Matrix xn = LayerNormRows(x, L.ln1);
  const Matrix xr = ShiftDelta(xn, att_x, p.x_r), xw = ShiftDelta(xn, att_x, p.x_w),
               xk = ShiftDelta(xn, att_x, p.x_k), xv = ShiftDelta(xn, att_x, p.x_v),
               xa = ShiftDelta(xn, att_x, p.x_a), xg = ShiftDelta(xn, att_x, p.x_g);
  KeepLastRow(xn, att_x);
  Matrix r, k, v;
  RunBlockLinear(hooks, layer, kR7, xr, L.att_receptance, r);
  RunBlockLinear(hooks, layer, kK7, xk, L.att_key, k);
  RunBlockLinear(hooks, layer, kV7, xv, L.att_value, v);
  const Matrix g = LowRank(xg, p.g1, p.g2, SigmoidF);
  Matrix a = LowRank(xa, p.a1, p.a2, nullptr);
  Matrix w = LowRank(xw, p.w1, p.w2, Tanh);
  for (int t = 0; t < T; ++t) {
    for (int c = 0; c < C; ++c) {
      a.at(t, c) = Sigmoid(a.at(t, c) + p.a0[c]);
      w.at(t, c) = std::exp(Sigmoid(w.at(t, c) + p.w0[c]) * -0.606531f);
    }
  }
  // kk = L2-normalised k * k_k per head; k += k*k_a*(a - 1).
  Matrix kk(T, C);
  for (int t = 0; t < T; ++t) {
    for (int h = 0; h < H; ++h) {
      float sum = 0.0f;
      for (int j = 0; j < N; ++j) {
        const int c = h * N + j;
        kk.at(t, c) = k.at(t, c) * p.k_k[c];
        sum += kk.at(t, c) * kk.at(t, c);
      }
      const float scale = 1.0f / std::max(std::sqrt(sum), 1e-12f);
      for (int j = 0; j < N; ++j) kk.at(t, h * N + j) *= scale;
    }
    for (int c = 0; c < C; ++c) {
      const float ka = k.at(t, c) * p.k_a[c];
      k.at(t, c) = k.at(t, c) + (a.at(t, c) * ka - ka);
    }
  }
  if (layer == 0) {
    v_first = v;
  } else {
    const Matrix mix = LowRank(xv, p.v1, p.v2, nullptr);
    for (int t = 0; t < T; ++t) {
      for (int c = 0; c < C; ++c) {
        v.at(t, c) = v.at(t, c) + (v_first.at(t, c) - v.at(t, c)) * Sigmoid(mix.at(t, c) + p.v0[c]);
      }
    }
  }
  Matrix y(T, C);
  std::vector<float> normed(N);
  for (int t = 0; t < T; ++t) {
    float* out = y.row(t);
    for (int h = 0; h < H; ++h) {
      float* S = wkv_state.data() + static_cast<size_t>(h) * N * N;
      const int c0 = h * N;
      for (int i = 0; i < N; ++i) {  // value index
        float* Si = S + static_cast<size_t>(i) * N;
        float sa = 0.0f;
        for (int j = 0; j < N; ++j) sa += -kk.at(t, c0 + j) * Si[j];
        const float vi = v.at(t, c0 + i);
        float acc = 0.0f;
        for (int j = 0; j < N; ++j) {
          const float b = kk.at(t, c0 + j) * a.at(t, c0 + j);
          Si[j] = Si[j] * w.at(t, c0 + j) + vi * k.at(t, c0 + j) + sa * b;
          acc += Si[j] * r.at(t, c0 + j);
        }
        out[c0 + i] = acc;
      }
      Normalize(out + c0, N, 64e-5f, normed.data());
      float bonus = 0.0f;
      for (int j = 0; j < N; ++j) bonus += k.at(t, c0 + j) * r.at(t, c0 + j) * p.r_k[c0 + j];
      for (int i = 0; i < N; ++i) {
        const int c = c0 + i;
        out[c] = (normed[i] * L.ln_x.weight[c] + L.ln_x.bias[c] + v.at(t, c) * bonus) * g.at(t, c);
      }
    }
  }
  Matrix o;
  RunBlockLinear(hooks, layer, kO7, y, L.att_output, o);
  for (size_t i = 0; i < x.data.size(); ++i) x.data[i] += o.data[i];
}

void ChannelMixingV7(const RwkvLayer& L, int layer, Matrix& x, std::vector<float>& ffn_x,
                     const BlockLinearHooks& hooks) {
  const Matrix xn = LayerNormRows(x, L.ln2);
  Matrix k, kv;
  RunBlockLinear(hooks, layer, kFfnK7, ShiftDelta(xn, ffn_x, L.v7.ffn_x_k), L.ffn_key, k);
  KeepLastRow(xn, ffn_x);
  for (float& e : k.data) {
    const float relu = e > 0.0f ? e : 0.0f;
    e = relu * relu;
  }
  RunBlockLinear(hooks, layer, kFfnV7, k, L.ffn_value, kv);
  for (size_t i = 0; i < x.data.size(); ++i) x.data[i] += kv.data[i];
}

}  // namespace

std::string RwkvModel::Describe() const {
  return fmt::format("rwkv.cpp RWKV v{}.{} ({})", version_major, version_minor, data_type);
}

RwkvState RwkvModel::EmptyState() const {
  RwkvState s;
  s.att_x.assign(n_layer, std::vector<float>(n_embed, 0.0f));
  s.ffn_x.assign(n_layer, std::vector<float>(n_embed, 0.0f));
  s.wkv.assign(n_layer, std::vector<float>(static_cast<size_t>(head_count) * head_size * head_size, 0.0f));
  return s;
}

void RwkvModel::RunLayer(int layer, BlockActivations& a, std::vector<float>& att_x,
                         std::vector<float>& ffn_x, std::vector<float>& wkv,
                         const BlockLinearHooks& hooks) const {
  if (version_major == 7) {
    TimeMixingV7(*this, layers[layer], layer, a.x, a.carried, att_x, wkv, hooks);
    ChannelMixingV7(layers[layer], layer, a.x, ffn_x, hooks);
  } else {
    TimeMixing(*this, layers[layer], layer, a.x, att_x, wkv, hooks);
    ChannelMixing(layers[layer], layer, a.x, ffn_x, hooks);
  }
}

BlockActivations RwkvModel::Embed(std::span<const int> tokens) const {
  if (tokens.empty()) throw Error(fmt::format("{}: no tokens to run", path));
  const int T = static_cast<int>(tokens.size());
  Matrix e(T, n_embed);
  for (int t = 0; t < T; ++t) {
    if (tokens[t] < 0 || tokens[t] >= n_vocab) {
      throw Error(fmt::format("{}: token {} is outside the vocabulary [0, {})", path, tokens[t], n_vocab));
    }
    std::copy(emb.row(tokens[t]), emb.row(tokens[t]) + n_embed, e.row(t));
  }
  return BlockActivations{LayerNormRows(e, ln0), Matrix()};
}

void RwkvModel::RunBlock(int block, BlockActivations& a, const BlockLinearHooks& hooks) const {
  if (block < 0 || block >= n_layer) {
    throw Error(fmt::format("{}: block {} outside [0, {})", path, block, n_layer));
  }
  std::vector<float> att_x(n_embed, 0.0f), ffn_x(n_embed, 0.0f);
  std::vector<float> wkv(static_cast<size_t>(head_count) * head_size * head_size, 0.0f);
  RunLayer(block, a, att_x, ffn_x, wkv, hooks);
}

Matrix RwkvModel::Head(const BlockActivations& a) const {
  Matrix logits;
  LinearForward(LayerNormRows(a.x, ln_out), head, logits);
  return logits;
}

std::vector<std::string> RwkvModel::LinearNames() const {
  if (version_major == 7) {
    return {"att.receptance", "att.key", "att.value", "att.output", "ffn.key", "ffn.value"};
  }
  return {"att.receptance", "att.key", "att.value", "att.gate", "att.output",
          "ffn.receptance", "ffn.key", "ffn.value"};
}

const Matrix& RwkvModel::Linear(int block, int index) const {
  const int count = version_major == 7 ? static_cast<int>(kV7Linears.size())
                                       : static_cast<int>(kV5Linears.size());
  if (block < 0 || block >= n_layer || index < 0 || index >= count) {
    throw Error(fmt::format("{}: no linear layer {} in block {}", path, index, block));
  }
  const RwkvLayer& l = layers[block];
  return version_major == 7 ? l.*kV7Linears[index] : l.*kV5Linears[index];
}

std::unique_ptr<BlockLinearModel> RwkvModel::CloneModel() const {
  return std::make_unique<RwkvModel>(*this);
}

Matrix RwkvModel::Run(std::span<const int> tokens, RwkvState& state) const {
  BlockActivations a = Embed(tokens);
  for (int l = 0; l < n_layer; ++l) {
    RunLayer(l, a, state.att_x[l], state.ffn_x[l], state.wkv[l], {});
  }
  return Head(a);
}

}  // namespace flexcim::pruner
