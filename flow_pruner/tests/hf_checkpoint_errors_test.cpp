// Hugging Face checkpoints built from small random models: every bad input
// is one exact error line naming the file and tensor; the Qwen2 bias path
// and the rotate-half RoPE against a plain reference loop written directly
// on the HF tensors; the safetensors header parser's own checks.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/errors.h"
#include "flow_pruner/file_bytes.h"
#include "flow_pruner/forward.h"
#include "flow_pruner/model_reader.h"
#include "flow_pruner/safetensors.h"
#include "flow_pruner/tests/hf_test_checkpoint.h"
#include "flow_pruner/tests/test_data.h"

namespace flexcim::pruner {
namespace {

namespace fs = std::filesystem;
using testhf::Tensor;

// A random model: dim 16, 4 heads of 4, 2 KV heads, hidden 24, 2 layers,
// vocab 40; with biases as Qwen2 has them.
LlamaModel RandomModel(bool biases, bool tied, uint64_t seed) {
  LlamaConfig c;
  c.dim = 16;
  c.hidden_dim = 24;
  c.n_layers = 2;
  c.n_heads = 4;
  c.n_kv_heads = 2;
  c.vocab_size = 40;
  c.seq_len = 32;
  c.shared_classifier = tied;
  c.rope_theta = 1e6f;
  c.rms_eps = 1e-6f;
  LlamaModel m = AllocateLlamaModel(c, /*rope_table=*/false);
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> n(0.0f, 0.5f);
  for (const TensorRef& t : TensorsInFileOrder(m)) {
    for (size_t i = 0; i < t.size; ++i) t.data[i] = n(rng);
  }
  if (biases) {
    for (LlamaLayer& l : m.layers) {
      for (auto* b : {&l.bq, &l.bk, &l.bv}) {
        b->resize(b == &l.bq ? c.dim : c.kv_dim());
        for (float& v : *b) v = n(rng);
      }
    }
  }
  return m;
}

std::string ErrorOf(const std::string& dir) {
  try {
    LoadModel(dir);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

class HfErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testdata::MakeTempDir() + "/ckpt";
    model_ = RandomModel(false, false, 7);
    tensors_ = testhf::HfTensorsOf(model_, "F32");
    config_ = testhf::ConfigJson(model_, "LlamaForCausalLM");
  }
  std::string Write() {
    fs::remove_all(dir_);
    testhf::WriteCheckpoint(dir_, config_, tensors_);
    return ErrorOf(dir_);
  }
  Tensor& Find(const std::string& name) {
    for (Tensor& t : tensors_) {
      if (t.name == name) return t;
    }
    throw std::runtime_error(name);
  }
  void ReplaceInConfig(const std::string& from, const std::string& to) {
    const size_t at = config_.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    config_.replace(at, from.size(), to);
  }
  std::string file() const { return dir_ + "/model.safetensors"; }
  std::string dir_, config_;
  LlamaModel model_;
  std::vector<Tensor> tensors_;
};

TEST_F(HfErrors, ValidCheckpointLoads) { EXPECT_EQ(Write(), "(no error)"); }

TEST_F(HfErrors, UnsupportedArchitecture) {
  ReplaceInConfig("LlamaForCausalLM", "GPT2LMHeadModel");
  EXPECT_EQ(Write(), dir_ + "/config.json: architecture GPT2LMHeadModel is not supported "
                            "(LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM; MambaForCausalLM with eval)");
  // A Mamba directory reaching the Llama-family reader (prune, convert).
  ReplaceInConfig("GPT2LMHeadModel", "MambaForCausalLM");
  EXPECT_EQ(Write(), dir_ + "/config.json: architecture MambaForCausalLM runs with `flexcim eval` only (here: "
                            "LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM)");
}

TEST_F(HfErrors, MistralWithSlidingWindowLoadsWithTheWindowAsSequenceLimit) {
  ReplaceInConfig("LlamaForCausalLM", "MistralForCausalLM");
  ReplaceInConfig("\"hidden_act\"", "\"sliding_window\": 16, \"hidden_act\"");
  ASSERT_EQ(Write(), "(no error)");
  const LlamaModel m = LoadModel(dir_);
  EXPECT_EQ(m.config.seq_len, 16);
  EXPECT_EQ(DescribeModelFormat(m), "Hugging Face MistralForCausalLM (F32)");
  EXPECT_EQ(m.layers[1].w2.data, model_.layers[1].w2.data);
  EXPECT_EQ(m.layers[1].wk.data, model_.layers[1].wk.data);  // un-permuted back
}

TEST_F(HfErrors, ConfigProblems) {
  ReplaceInConfig("\"hidden_size\": 16", "\"hidden_size\": -16");
  EXPECT_EQ(Write(), dir_ + "/config.json: \"hidden_size\" must be a positive integer, not -16");
  SetUp();
  ReplaceInConfig("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\"");
  EXPECT_EQ(Write(), dir_ + "/config.json: hidden_act \"gelu\" is not supported (silu)");
  SetUp();
  ReplaceInConfig("\"hidden_act\"", "\"rope_scaling\": {\"type\": \"linear\"}, \"hidden_act\"");
  EXPECT_EQ(Write(), dir_ + "/config.json: rope_scaling {\"type\":\"linear\"} is not supported (plain RoPE only)");
  SetUp();
  config_ = "{\"architectures\": [";
  EXPECT_EQ(Write(), dir_ + "/config.json: bad JSON: not valid JSON");
  fs::remove(dir_ + "/config.json");
  EXPECT_EQ(ErrorOf(dir_), dir_ + ": not a regular file (a directory) and not a Hugging Face checkpoint "
                                  "(no config.json)");
}

TEST_F(HfErrors, MissingTensor) {
  std::erase_if(tensors_, [](const Tensor& t) { return t.name == "model.layers.0.self_attn.v_proj.weight"; });
  EXPECT_EQ(Write(), file() + ": missing tensor model.layers.0.self_attn.v_proj.weight");
}

TEST_F(HfErrors, MissingLmHeadWhenUntied) {
  tensors_.pop_back();
  EXPECT_EQ(Write(), file() + ": missing tensor lm_head.weight");
}

TEST_F(HfErrors, ShapeMismatch) {
  Tensor& t = Find("model.layers.1.mlp.down_proj.weight");
  t.shape = {24, 16};  // transposed
  EXPECT_EQ(Write(), file() + ": tensor model.layers.1.mlp.down_proj.weight has shape [24, 16], "
                              "config.json implies [16, 24]");
}

TEST_F(HfErrors, UnsupportedDtype) {
  Find("model.norm.weight").dtype = "F64";
  EXPECT_EQ(Write(), file() + ": tensor model.norm.weight: dtype F64 is not supported (F32, F16, BF16)");
}

TEST_F(HfErrors, OffsetsDisagreeWithShape) {
  Tensor& t = Find("model.norm.weight");
  t.shape = {15};  // 60 bytes expected, 64 present
  EXPECT_EQ(Write(), file() + ": tensor model.norm.weight: data_offsets [18176, 18240] hold 64 bytes "
                              "but shape [15] in F32 needs 60");
}

TEST_F(HfErrors, TruncatedFile) {
  ASSERT_EQ(Write(), "(no error)");
  const std::string bytes = ReadFileBytes(file());
  std::ofstream(file(), std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size() - 10);
  // The test writer lays the data out in HfTensorsOf order: lm_head.weight last.
  EXPECT_EQ(ErrorOf(dir_), file() + ": tensor lm_head.weight: data_offsets [18240, 20800] end beyond "
                                    "the data buffer (20790 bytes): the file is truncated");
  std::ofstream(file(), std::ios::binary | std::ios::trunc).write(bytes.data(), 5);
  EXPECT_EQ(ErrorOf(dir_), file() + ": truncated: file has 5 bytes, less than the 8-byte header length");
  std::ofstream(file(), std::ios::binary | std::ios::trunc).write(bytes.data(), 100);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  EXPECT_EQ(ErrorOf(dir_), file() + ": truncated: header length " + std::to_string(n) +
                               " exceeds the 92 bytes after the length field");
}

TEST_F(HfErrors, BadJsonHeader) {
  ASSERT_EQ(Write(), "(no error)");
  std::string bytes = ReadFileBytes(file());
  bytes[8] = '[';
  std::ofstream(file(), std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
  EXPECT_EQ(ErrorOf(dir_), file() + ": bad JSON header: not valid JSON");
}

TEST_F(HfErrors, NonFiniteValue) {
  Find("model.layers.1.self_attn.o_proj.weight").values[17] = NAN;
  EXPECT_EQ(Write(), file() + ": tensor model.layers.1.self_attn.o_proj.weight has a non-finite value (nan) at element 17");
}

TEST_F(HfErrors, NoWeightsFile) {
  ASSERT_EQ(Write(), "(no error)");
  fs::remove(file());
  EXPECT_EQ(ErrorOf(dir_), dir_ + ": no model.safetensors or model.safetensors.index.json");
}

TEST_F(HfErrors, ShardIndexProblems) {
  fs::remove_all(dir_);
  testhf::WriteCheckpoint(dir_, config_, tensors_, 2);
  EXPECT_EQ(ErrorOf(dir_), "(no error)");
  const std::string index = dir_ + "/model.safetensors.index.json";
  std::string text = ReadFileBytes(index);
  const std::string entry = "\"model.norm.weight\"";
  text.replace(text.find(entry), entry.size(), "\"model.norm.weighX\"");
  std::ofstream(index, std::ios::trunc) << text;
  EXPECT_EQ(ErrorOf(dir_), index + ": no entry for tensor model.norm.weight");
  fs::remove_all(dir_);
  testhf::WriteCheckpoint(dir_, config_, tensors_, 2);
  fs::remove(dir_ + "/model-00002-of-00002.safetensors");
  EXPECT_EQ(ErrorOf(dir_), dir_ + "/model-00002-of-00002.safetensors: cannot open: No such file or directory");
}

TEST(SafetensorsHeader, GapsOverlapsAndTrailingBytes) {
  auto image = [](const std::string& json, size_t data) {
    std::string h = json;
    const uint64_t n = h.size();
    return std::string(reinterpret_cast<const char*>(&n), 8) + h + std::string(data, '\0');
  };
  auto error = [](const std::string& img) {
    try {
      ParseSafetensorsHeader(img, img.size(), "x.safetensors");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(error(image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 8)), "(no error)");
  EXPECT_EQ(error(image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12)),
            "x.safetensors: tensor a: data_offsets [4, 12] leave a gap after the previous tensor's data (which ends at 0)");
  EXPECT_EQ(error(image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[2],"data_offsets":[6,10]}})", 10)),
            "x.safetensors: tensor b: data_offsets [6, 10] overlap the previous tensor's data (which ends at 8)");
  EXPECT_EQ(error(image(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 9)),
            "x.safetensors: 1 bytes after the last tensor's data (the header accounts for 8 of 9)");
  EXPECT_EQ(error(image(R"({"a":{"dtype":"F32","shape":[2]}})", 8)),
            "x.safetensors: tensor a: bad JSON header entry: needs dtype, shape and data_offsets");
  EXPECT_EQ(error(image(R"([1,2])", 0)), "x.safetensors: bad JSON header: the top level is not an object");
  EXPECT_EQ(error(image(R"({"__metadata__":{"a":1}})", 0)),
            "x.safetensors: bad JSON header: __metadata__ must map strings to strings");
  EXPECT_EQ(error(image(R"({"a":{"dtype":"BF16","shape":[-1],"data_offsets":[0,0]}})", 0)),
            "x.safetensors: tensor a: bad JSON header entry: shape must be a list of non-negative integers");
}

TEST(SafetensorsConversions, RoundToNearestEven) {
  EXPECT_EQ(FloatToBf16(1.0f), 0x3F80);
  EXPECT_EQ(FloatToBf16(std::bit_cast<float>(0x3F808000u)), 0x3F80);  // tie -> even
  EXPECT_EQ(FloatToBf16(std::bit_cast<float>(0x3F818000u)), 0x3F82);  // tie -> even (up)
  EXPECT_EQ(FloatToBf16(std::bit_cast<float>(0x3F808001u)), 0x3F81);
  EXPECT_EQ(Bf16ToFloat(0xC000), -2.0f);
  EXPECT_EQ(FloatToF16(1.0f), 0x3C00);
  EXPECT_EQ(FloatToF16(65520.0f), 0x7C00);  // overflow -> inf
  EXPECT_EQ(F16ToFloat(0x0001), std::ldexp(1.0f, -24));
}

// Plain double-precision reference of a Qwen2-style model computed directly
// on the HF tensors: rotate-half RoPE on (i, i + head_size/2), q/k/v biases.
std::vector<double> ReferenceLogits(const std::vector<Tensor>& tensors, const LlamaConfig& c,
                                    const std::vector<int>& tokens) {
  auto get = [&](const std::string& name) -> const std::vector<float>& {
    for (const Tensor& t : tensors) {
      if (t.name == name) return t.values;
    }
    throw std::runtime_error(name);
  };
  const int d = c.dim, hs = c.head_size(), kv = c.kv_dim(), T = static_cast<int>(tokens.size());
  auto linear = [](const std::vector<float>& w, const std::vector<double>& x, int out) {
    const int in = static_cast<int>(x.size());
    std::vector<double> y(out, 0.0);
    for (int i = 0; i < out; ++i)
      for (int j = 0; j < in; ++j) y[i] += static_cast<double>(w[static_cast<size_t>(i) * in + j]) * x[j];
    return y;
  };
  auto rmsnorm = [&](const std::vector<double>& x, const std::vector<float>& g) {
    double ss = 0;
    for (double v : x) ss += v * v;
    const double s = 1.0 / std::sqrt(ss / x.size() + c.rms_eps);
    std::vector<double> y(x.size());
    for (size_t i = 0; i < x.size(); ++i) y[i] = g[i] * x[i] * s;
    return y;
  };
  auto rope = [&](std::vector<double>& v, int pos) {
    for (size_t h = 0; h < v.size() / hs; ++h) {
      for (int i = 0; i < hs / 2; ++i) {
        const double freq = std::pow(static_cast<double>(c.rope_theta), -2.0 * i / hs);
        const double a = pos * freq, x0 = v[h * hs + i], x1 = v[h * hs + i + hs / 2];
        v[h * hs + i] = x0 * std::cos(a) - x1 * std::sin(a);
        v[h * hs + i + hs / 2] = x1 * std::cos(a) + x0 * std::sin(a);
      }
    }
  };
  std::vector<std::vector<double>> x(T, std::vector<double>(d));
  const auto& emb = get("model.embed_tokens.weight");
  for (int t = 0; t < T; ++t)
    for (int i = 0; i < d; ++i) x[t][i] = emb[static_cast<size_t>(tokens[t]) * d + i];
  for (int l = 0; l < c.n_layers; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    std::vector<std::vector<double>> q(T), k(T), v(T);
    for (int t = 0; t < T; ++t) {
      const auto xn = rmsnorm(x[t], get(p + "input_layernorm.weight"));
      q[t] = linear(get(p + "self_attn.q_proj.weight"), xn, d);
      k[t] = linear(get(p + "self_attn.k_proj.weight"), xn, kv);
      v[t] = linear(get(p + "self_attn.v_proj.weight"), xn, kv);
      for (int i = 0; i < d; ++i) q[t][i] += get(p + "self_attn.q_proj.bias")[i];
      for (int i = 0; i < kv; ++i) k[t][i] += get(p + "self_attn.k_proj.bias")[i];
      for (int i = 0; i < kv; ++i) v[t][i] += get(p + "self_attn.v_proj.bias")[i];
      rope(q[t], t);
      rope(k[t], t);
    }
    for (int t = 0; t < T; ++t) {
      std::vector<double> att(d, 0.0);
      for (int h = 0; h < c.n_heads; ++h) {
        const int g = h / (c.n_heads / c.n_kv_heads);
        std::vector<double> s(t + 1);
        double mx = -1e300, sum = 0;
        for (int u = 0; u <= t; ++u) {
          s[u] = 0;
          for (int i = 0; i < hs; ++i) s[u] += q[t][h * hs + i] * k[u][g * hs + i];
          s[u] /= std::sqrt(static_cast<double>(hs));
          mx = std::max(mx, s[u]);
        }
        for (double& e : s) sum += (e = std::exp(e - mx));
        for (int u = 0; u <= t; ++u)
          for (int i = 0; i < hs; ++i) att[h * hs + i] += s[u] / sum * v[u][g * hs + i];
      }
      const auto o = linear(get(p + "self_attn.o_proj.weight"), att, d);
      for (int i = 0; i < d; ++i) x[t][i] += o[i];
      const auto xn = rmsnorm(x[t], get(p + "post_attention_layernorm.weight"));
      const auto g1 = linear(get(p + "mlp.gate_proj.weight"), xn, c.hidden_dim);
      auto u3 = linear(get(p + "mlp.up_proj.weight"), xn, c.hidden_dim);
      for (int i = 0; i < c.hidden_dim; ++i) u3[i] *= g1[i] / (1.0 + std::exp(-g1[i]));
      const auto down = linear(get(p + "mlp.down_proj.weight"), u3, d);
      for (int i = 0; i < d; ++i) x[t][i] += down[i];
    }
  }
  std::vector<double> logits;
  for (int t = 0; t < T; ++t) {
    const auto y = linear(get("model.embed_tokens.weight"), rmsnorm(x[t], get("model.norm.weight")), c.vocab_size);
    logits.insert(logits.end(), y.begin(), y.end());
  }
  return logits;
}

TEST(HfQwen2, BiasesAndRotateHalfRopeMatchAPlainReferenceLoop) {
  const LlamaModel m = RandomModel(/*biases=*/true, /*tied=*/true, 11);
  const auto tensors = testhf::HfTensorsOf(m, "F32");
  std::string config = testhf::ConfigJson(m, "Qwen2ForCausalLM");
  const std::string dir = testdata::MakeTempDir() + "/qwen";
  testhf::WriteCheckpoint(dir, config, tensors);
  const LlamaModel loaded = LoadModel(dir);
  EXPECT_EQ(DescribeModelFormat(loaded), "Hugging Face Qwen2ForCausalLM (F32)");
  EXPECT_EQ(loaded.config.rope_theta, 1e6f);
  EXPECT_EQ(loaded.config.rms_eps, 1e-6f);
  ASSERT_EQ(loaded.layers[1].bk.size(), 8u);
  const std::vector<int> tokens = {1, 7, 39, 0, 22, 22, 5, 13, 30, 2, 17, 8};
  const Matrix logits = ForwardLogits(loaded, tokens);
  const std::vector<double> ref = ReferenceLogits(tensors, loaded.config, tokens);
  ASSERT_EQ(logits.data.size(), ref.size());
  double max_ref = 0, max_err = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    max_ref = std::max(max_ref, std::abs(ref[i]));
    max_err = std::max(max_err, std::abs(logits.data[i] - ref[i]));
  }
  EXPECT_GT(max_ref, 1.0);
  EXPECT_LT(max_err, 1e-4 * max_ref);
  // The biases matter: without them the reference differs by far more.
  LlamaModel no_bias = loaded;
  for (LlamaLayer& l : no_bias.layers) {
    std::fill(l.bq.begin(), l.bq.end(), 0.0f);
    std::fill(l.bk.begin(), l.bk.end(), 0.0f);
  }
  const Matrix other = ForwardLogits(no_bias, tokens);
  double diff = 0;
  for (size_t i = 0; i < ref.size(); ++i) diff = std::max(diff, std::abs(other.data[i] - ref[i]));
  EXPECT_GT(diff, 100 * max_err);
}

TEST(HfQwen2, BiasesSurviveWriteAndRead) {
  const LlamaModel m = RandomModel(true, false, 3);
  const std::string tmp = testdata::MakeTempDir();
  testhf::WriteCheckpoint(tmp + "/in", testhf::ConfigJson(m, "Qwen2ForCausalLM"), testhf::HfTensorsOf(m, "BF16"));
  const LlamaModel a = LoadModel(tmp + "/in");
  fs::create_directories(tmp + "/out");
  WriteModelFiles(a, tmp + "/out");
  const LlamaModel b = LoadModel(tmp + "/out");
  for (size_t l = 0; l < a.layers.size(); ++l) {
    EXPECT_EQ(a.layers[l].bq, b.layers[l].bq);
    EXPECT_EQ(a.layers[l].bk, b.layers[l].bk);
    EXPECT_EQ(a.layers[l].bv, b.layers[l].bv);
    EXPECT_EQ(a.layers[l].wq.data, b.layers[l].wq.data);
    std::vector<float> rounded = m.layers[l].bq;
    for (float& v : rounded) v = testhf::RoundBf16(v);
    EXPECT_EQ(a.layers[l].bq, rounded);
  }
}

}  // namespace
}  // namespace flexcim::pruner
