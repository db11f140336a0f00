#include "flow_pruner/rwkv_model.h"

#include <fmt/format.h>

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

void TimeMixing(const RwkvModel& m, const RwkvLayer& L, Matrix& x, std::vector<float>& att_x,
                std::vector<float>& wkv_state) {
  const int T = x.rows, C = m.n_embed, H = m.head_count, N = m.head_size;
  const Matrix xn = LayerNormRows(x, L.ln1);
  Matrix r, k, v, g;
  LinearForward(TokenShiftMix(xn, att_x, L.time_mix_r), L.att_receptance, r);
  LinearForward(TokenShiftMix(xn, att_x, L.time_mix_k), L.att_key, k);
  LinearForward(TokenShiftMix(xn, att_x, L.time_mix_v), L.att_value, v);
  LinearForward(TokenShiftMix(xn, att_x, L.time_mix_g), L.att_gate, g);
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
  LinearForward(y, L.att_output, o);
  for (size_t i = 0; i < x.data.size(); ++i) x.data[i] += o.data[i];
}

void ChannelMixing(const RwkvLayer& L, Matrix& x, std::vector<float>& ffn_x) {
  const Matrix xn = LayerNormRows(x, L.ln2);
  Matrix r, k, kv;
  LinearForward(TokenShiftMix(xn, ffn_x, L.ffn_time_mix_r), L.ffn_receptance, r);
  LinearForward(TokenShiftMix(xn, ffn_x, L.ffn_time_mix_k), L.ffn_key, k);
  KeepLastRow(xn, ffn_x);
  for (float& e : k.data) {
    const float relu = e > 0.0f ? e : 0.0f;
    e = relu * relu;
  }
  LinearForward(k, L.ffn_value, kv);
  for (size_t i = 0; i < x.data.size(); ++i) x.data[i] += Sigmoid(r.data[i]) * kv.data[i];
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

Matrix RwkvModel::Run(std::span<const int> tokens, RwkvState& state) const {
  if (tokens.empty()) throw Error(fmt::format("{}: no tokens to run", path));
  const int T = static_cast<int>(tokens.size());
  Matrix e(T, n_embed);
  for (int t = 0; t < T; ++t) {
    if (tokens[t] < 0 || tokens[t] >= n_vocab) {
      throw Error(fmt::format("{}: token {} is outside the vocabulary [0, {})", path, tokens[t], n_vocab));
    }
    std::copy(emb.row(tokens[t]), emb.row(tokens[t]) + n_embed, e.row(t));
  }
  Matrix x = LayerNormRows(e, ln0);
  for (int l = 0; l < n_layer; ++l) {
    TimeMixing(*this, layers[l], x, state.att_x[l], state.wkv[l]);
    ChannelMixing(layers[l], x, state.ffn_x[l]);
  }
  Matrix logits;
  LinearForward(LayerNormRows(x, ln_out), head, logits);
  return logits;
}

Matrix RwkvModel::SequenceLogits(std::span<const int> tokens) const {
  RwkvState state = EmptyState();
  return Run(tokens, state);
}

}  // namespace flexcim::pruner
