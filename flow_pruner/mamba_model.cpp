#include "flow_pruner/mamba_model.h"

#include <fmt/format.h>

#include <array>
#include <cmath>

#include "core/errors.h"
#include "flow_pruner/forward.h"
#include "flow_pruner/gemm.h"

namespace flexcim::pruner {

namespace {

float Silu(float v) { return v / (1.0f + std::exp(-v)); }
// torch.nn.functional.softplus (beta 1, threshold 20).
float Softplus(float v) { return v > 20.0f ? v : std::log1p(std::exp(v)); }

void AddBias(Matrix& y, const std::vector<float>& bias) {
  if (bias.empty()) return;
  for (int t = 0; t < y.rows; ++t) {
    float* row = y.row(t);
    for (int i = 0; i < y.cols; ++i) row[i] += bias[i];
  }
}

// The macro's linear layers of a block (MambaModel::LinearNames()).
enum MambaLinear { kInProj, kXProj, kDtProj, kOutProj };
constexpr std::array<Matrix MambaLayer::*, 4> kMambaLinears = {
    &MambaLayer::in_proj, &MambaLayer::x_proj, &MambaLayer::dt_proj, &MambaLayer::out_proj};

void MambaMixer(const MambaConfig& c, const MambaLayer& L, int layer, Matrix& x,
                std::vector<float>& conv_state, std::vector<float>& ssm_state,
                const BlockLinearHooks& hooks) {
  const int T = x.rows, E = c.d_inner(), N = c.d_state, K = c.d_conv, R = c.dt_rank;
  Matrix h;
  RmsNormRows(x, L.norm, h, c.norm_eps);
  Matrix xz;
  RunBlockLinear(hooks, layer, kInProj, h, L.in_proj, xz);
  AddBias(xz, L.in_proj_bias);

  // Causal depthwise convolution over the u half, window = conv state + inputs.
  Matrix u(T, E);
  std::vector<float> window(static_cast<size_t>(K) * E);  // K inputs, oldest first
  for (int t = 0; t < T; ++t) {
    // Slide: drop the oldest, append this token's input.
    std::copy(conv_state.begin(), conv_state.end(), window.begin());
    std::copy(xz.row(t), xz.row(t) + E, window.begin() + static_cast<size_t>(K - 1) * E);
    for (int ch = 0; ch < E; ++ch) {
      float acc = c.conv_bias ? L.conv_bias[ch] : 0.0f;
      const float* w = L.conv_weight.row(ch);
      for (int j = 0; j < K; ++j) acc += w[j] * window[static_cast<size_t>(j) * E + ch];
      u.at(t, ch) = Silu(acc);
    }
    std::copy(window.begin() + E, window.end(), conv_state.begin());
  }

  Matrix dbc;
  RunBlockLinear(hooks, layer, kXProj, u, L.x_proj, dbc);
  Matrix dt_in(T, R);
  for (int t = 0; t < T; ++t) std::copy(dbc.row(t), dbc.row(t) + R, dt_in.row(t));
  Matrix dt;
  RunBlockLinear(hooks, layer, kDtProj, dt_in, L.dt_proj, dt);

  Matrix y(T, E);
  for (int t = 0; t < T; ++t) {
    const float* B = dbc.row(t) + R;
    const float* C = B + N;
    for (int ch = 0; ch < E; ++ch) {
      const float delta = Softplus(dt.at(t, ch) + L.dt_proj_bias[ch]);
      const float uc = u.at(t, ch);
      const float* a_log = L.A_log.row(ch);
      float* s = ssm_state.data() + static_cast<size_t>(ch) * N;
      float acc = 0.0f;
      for (int n = 0; n < N; ++n) {
        const float A = -std::exp(a_log[n]);
        s[n] = std::exp(A * delta) * s[n] + delta * B[n] * uc;
        acc += s[n] * C[n];
      }
      y.at(t, ch) = (acc + uc * L.D[ch]) * Silu(xz.at(t, E + ch));
    }
  }
  Matrix out;
  RunBlockLinear(hooks, layer, kOutProj, y, L.out_proj, out);
  AddBias(out, L.out_proj_bias);
  for (size_t i = 0; i < x.data.size(); ++i) x.data[i] += out.data[i];
}

}  // namespace

MambaState MambaModel::EmptyState() const {
  MambaState s;
  const size_t E = static_cast<size_t>(config.d_inner());
  s.conv.assign(config.n_layer, std::vector<float>(static_cast<size_t>(config.d_conv - 1) * E, 0.0f));
  s.ssm.assign(config.n_layer, std::vector<float>(E * config.d_state, 0.0f));
  return s;
}

BlockActivations MambaModel::Embed(std::span<const int> tokens) const {
  if (tokens.empty()) throw Error(fmt::format("{}: no tokens to run", source));
  const int T = static_cast<int>(tokens.size());
  Matrix x(T, config.d_model);
  for (int t = 0; t < T; ++t) {
    if (tokens[t] < 0 || tokens[t] >= config.vocab_size) {
      throw Error(fmt::format("{}: token {} is outside the vocabulary [0, {})", source, tokens[t],
                              config.vocab_size));
    }
    std::copy(embedding.row(tokens[t]), embedding.row(tokens[t]) + config.d_model, x.row(t));
  }
  return BlockActivations{std::move(x), Matrix()};
}

void MambaModel::RunBlock(int block, BlockActivations& a, const BlockLinearHooks& hooks) const {
  if (block < 0 || block >= config.n_layer) {
    throw Error(fmt::format("{}: block {} outside [0, {})", source, block, config.n_layer));
  }
  const size_t E = static_cast<size_t>(config.d_inner());
  std::vector<float> conv(static_cast<size_t>(config.d_conv - 1) * E, 0.0f);
  std::vector<float> ssm(E * config.d_state, 0.0f);
  MambaMixer(config, layers[block], block, a.x, conv, ssm, hooks);
}

Matrix MambaModel::Head(const BlockActivations& a) const {
  Matrix h, logits;
  RmsNormRows(a.x, norm_f, h, config.norm_eps);
  LinearForward(h, lm_head ? *lm_head : embedding, logits);
  return logits;
}

std::vector<std::string> MambaModel::LinearNames() const {
  return {"in_proj", "x_proj", "dt_proj", "out_proj"};
}

const Matrix& MambaModel::Linear(int block, int index) const {
  if (block < 0 || block >= config.n_layer || index < 0 ||
      index >= static_cast<int>(kMambaLinears.size())) {
    throw Error(fmt::format("{}: no linear layer {} in block {}", source, index, block));
  }
  return layers[block].*kMambaLinears[index];
}

std::unique_ptr<BlockLinearModel> MambaModel::CloneModel() const {
  return std::make_unique<MambaModel>(*this);
}

Matrix MambaModel::Run(std::span<const int> tokens, MambaState& state) const {
  BlockActivations a = Embed(tokens);
  for (int l = 0; l < config.n_layer; ++l) {
    MambaMixer(config, layers[l], l, a.x, state.conv[l], state.ssm[l], {});
  }
  return Head(a);
}

}  // namespace flexcim::pruner
