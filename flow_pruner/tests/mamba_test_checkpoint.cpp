#include "flow_pruner/tests/mamba_test_checkpoint.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "flow_pruner/safetensors.h"

namespace flexcim::pruner::testmamba {

RandomMamba MakeRandomMamba(RandomMamba m, unsigned seed) {
  std::mt19937 rng(seed);
  auto round = [](float v) { return Bf16ToFloat(FloatToBf16(v)); };
  auto uniform = [&](float lo, float hi) { return round(std::uniform_real_distribution<float>(lo, hi)(rng)); };
  auto put = [&](const std::string& name, std::vector<int64_t> shape, auto gen) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    std::vector<float> v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) v[i] = gen(i);
    m.tensors[name] = {std::move(shape), std::move(v)};
  };
  const int64_t D = m.d_model, E = m.d_inner(), N = m.d_state, K = m.d_conv, R = m.rank(), V = m.padded_vocab();
  auto linear = [&](int64_t in) {
    const float b = 1.0f / std::sqrt(static_cast<float>(in));
    return [&, b](int64_t) { return uniform(-b, b); };
  };
  put("backbone.embeddings.weight", {V, D}, [&](int64_t) { return uniform(-1.0f, 1.0f); });
  for (int l = 0; l < m.n_layer; ++l) {
    const std::string p = fmt::format("backbone.layers.{}.", l);
    put(p + "norm.weight", {D}, [&](int64_t) { return uniform(0.5f, 1.5f); });
    put(p + "mixer.in_proj.weight", {2 * E, D}, linear(D));
    put(p + "mixer.conv1d.weight", {E, 1, K}, linear(K));
    put(p + "mixer.conv1d.bias", {E}, linear(K));
    put(p + "mixer.x_proj.weight", {R + 2 * N, E}, linear(E));
    put(p + "mixer.dt_proj.weight", {E, R}, linear(R));
    // dt = softplus(bias) in [0.001, 0.1] as Mamba initialises it.
    put(p + "mixer.dt_proj.bias", {E}, [&](int64_t) {
      const float dt = std::exp(std::uniform_real_distribution<float>(std::log(0.001f), std::log(0.1f))(rng));
      return round(dt + std::log(-std::expm1(-dt)));
    });
    put(p + "mixer.A_log", {E, N}, [&](int64_t i) { return round(std::log(static_cast<float>(i % N + 1))); });
    put(p + "mixer.D", {E}, [&](int64_t) { return uniform(0.5f, 1.5f); });
    put(p + "mixer.out_proj.weight", {D, E}, linear(E));
  }
  put("backbone.norm_f.weight", {D}, [&](int64_t) { return uniform(0.5f, 1.5f); });
  if (!m.tied) put("lm_head.weight", {V, D}, linear(D));
  m.config = {{"architectures", {"MambaForCausalLM"}},
              {"model_type", "mamba"},
              {"hidden_size", m.d_model},
              {"num_hidden_layers", m.n_layer},
              {"vocab_size", m.vocab},
              {"pad_vocab_size_multiple", m.pad_multiple},
              {"state_size", m.d_state},
              {"conv_kernel", m.d_conv},
              {"expand", m.expand},
              {"layer_norm_epsilon", 1e-5},
              {"use_bias", false},
              {"use_conv_bias", true},
              {"hidden_act", "silu"},
              {"tie_word_embeddings", m.tied}};
  if (m.dt_rank > 0) {
    m.config["time_step_rank"] = m.dt_rank;
  } else {
    m.config["time_step_rank"] = "auto";
  }
  return m;
}

void WriteMamba(const RandomMamba& m, const std::string& dir, const std::string& dtype, int shards) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/config.json") << m.config.dump(2) << "\n";
  const TensorDtype dt = dtype == "BF16" ? TensorDtype::kBF16 : TensorDtype::kF32;
  std::vector<std::vector<SafetensorsOutput>> files(shards);
  int i = 0;
  nlohmann::json index = {{"metadata", nlohmann::json::object()}, {"weight_map", nlohmann::json::object()}};
  for (const auto& [name, tensor] : m.tensors) {
    const auto& [shape, values] = tensor;
    const int64_t cols = values.size() / shape[0];
    const float* data = values.data();
    files[i % shards].push_back({name, dt, shape, [data, cols](int64_t r) { return data + r * cols; }});
    index["weight_map"][name] = fmt::format("model-{:05d}-of-{:05d}.safetensors", i % shards + 1, shards);
    ++i;
  }
  if (shards == 1) {
    WriteSafetensors(dir + "/model.safetensors", files[0], {{"format", "pt"}});
    return;
  }
  for (int s = 0; s < shards; ++s) {
    WriteSafetensors(fmt::format("{}/model-{:05d}-of-{:05d}.safetensors", dir, s + 1, shards), files[s],
                     {{"format", "pt"}});
  }
  std::ofstream(dir + "/model.safetensors.index.json") << index.dump(2) << "\n";
}

}  // namespace flexcim::pruner::testmamba
