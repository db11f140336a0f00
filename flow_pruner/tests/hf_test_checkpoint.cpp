#include "flow_pruner/tests/hf_test_checkpoint.h"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "flow_pruner/safetensors.h"

namespace flexcim::pruner::testhf {

namespace {

uint32_t Bits(float v) {
  uint32_t u;
  std::memcpy(&u, &v, 4);
  return u;
}
float FromBits(uint32_t u) {
  float v;
  std::memcpy(&v, &u, 4);
  return v;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

float RoundBf16(float v) {
  const uint32_t u = Bits(v);
  const uint32_t lsb = (u >> 16) & 1u;
  return FromBits(((u + 0x7FFFu + lsb) >> 16) << 16);
}

float RoundF16(float v) { return pruner::F16ToFloat(pruner::FloatToF16(v)); }  // clang 14 has no _Float16

std::string EncodeTensor(const Tensor& t) {
  std::string out;
  for (const float v : t.values) {
    if (t.dtype == "F32") {
      out.append(reinterpret_cast<const char*>(&v), 4);
    } else if (t.dtype == "BF16") {
      const uint16_t b = static_cast<uint16_t>(Bits(RoundBf16(v)) >> 16);
      out.append(reinterpret_cast<const char*>(&b), 2);
    } else if (t.dtype == "F16") {
      const uint16_t h = pruner::FloatToF16(v);
      out.append(reinterpret_cast<const char*>(&h), 2);
    } else if (t.dtype == "F64") {
      const double d = v;
      out.append(reinterpret_cast<const char*>(&d), 8);
    } else {
      throw std::runtime_error("test writer: dtype " + t.dtype);
    }
  }
  return out;
}

std::string SafetensorsImage(const std::vector<Tensor>& tensors) {
  nlohmann::json header = nlohmann::json::object();
  std::string data;
  for (const Tensor& t : tensors) {
    const std::string bytes = EncodeTensor(t);
    header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {data.size(), data.size() + bytes.size()}}};
    data += bytes;
  }
  std::string text = header.dump();
  while (text.size() % 8 != 0) text += ' ';
  const uint64_t n = text.size();
  std::string out(reinterpret_cast<const char*>(&n), 8);
  return out + text + data;
}

std::vector<float> PermuteToHf(const std::vector<float>& rows, int64_t cols, int head_size) {
  const int64_t n_rows = static_cast<int64_t>(rows.size()) / cols;
  const int half = head_size / 2;
  std::vector<float> out(rows.size());
  for (int64_t head = 0; head < n_rows / head_size; ++head) {
    for (int c = 0; c < 2; ++c) {
      for (int i = 0; i < half; ++i) {
        const int64_t hf_row = head * head_size + c * half + i;
        const int64_t src_row = head * head_size + 2 * i + c;
        std::copy_n(rows.begin() + src_row * cols, cols, out.begin() + hf_row * cols);
      }
    }
  }
  return out;
}

std::vector<Tensor> HfTensorsOf(const LlamaModel& m, const std::string& dtype) {
  const int hs = m.config.head_size();
  std::vector<Tensor> t;
  auto matrix = [&](const std::string& name, const Matrix& w, bool permute) {
    t.push_back({name, {w.rows, w.cols}, permute ? PermuteToHf(w.data, w.cols, hs) : w.data, dtype});
  };
  auto vec = [&](const std::string& name, const std::vector<float>& v, bool permute) {
    t.push_back({name, {static_cast<int64_t>(v.size())}, permute ? PermuteToHf(v, 1, hs) : v, dtype});
  };
  matrix("model.embed_tokens.weight", m.token_embedding, false);
  for (size_t l = 0; l < m.layers.size(); ++l) {
    const LlamaLayer& L = m.layers[l];
    const std::string p = fmt::format("model.layers.{}.", l);
    vec(p + "input_layernorm.weight", L.rms_att, false);
    matrix(p + "self_attn.q_proj.weight", L.wq, true);
    matrix(p + "self_attn.k_proj.weight", L.wk, true);
    matrix(p + "self_attn.v_proj.weight", L.wv, false);
    if (!L.bq.empty()) {
      vec(p + "self_attn.q_proj.bias", L.bq, true);
      vec(p + "self_attn.k_proj.bias", L.bk, true);
      vec(p + "self_attn.v_proj.bias", L.bv, false);
    }
    matrix(p + "self_attn.o_proj.weight", L.wo, false);
    vec(p + "post_attention_layernorm.weight", L.rms_ffn, false);
    matrix(p + "mlp.gate_proj.weight", L.w1, false);
    matrix(p + "mlp.up_proj.weight", L.w3, false);
    matrix(p + "mlp.down_proj.weight", L.w2, false);
  }
  vec("model.norm.weight", m.rms_final, false);
  if (m.wcls) matrix("lm_head.weight", *m.wcls, false);
  return t;
}

std::string ConfigJson(const LlamaModel& m, const std::string& architecture) {
  const LlamaConfig& c = m.config;
  const nlohmann::json j = {{"architectures", {architecture}},
                            {"model_type", "llama"},
                            {"hidden_size", c.dim},
                            {"intermediate_size", c.hidden_dim},
                            {"num_hidden_layers", c.n_layers},
                            {"num_attention_heads", c.n_heads},
                            {"num_key_value_heads", c.n_kv_heads},
                            {"vocab_size", c.vocab_size},
                            {"max_position_embeddings", c.seq_len},
                            {"rms_norm_eps", c.rms_eps},
                            {"rope_theta", c.rope_theta},
                            {"hidden_act", "silu"},
                            {"tie_word_embeddings", c.shared_classifier},
                            {"torch_dtype", "float32"}};
  return j.dump(2) + "\n";
}

void WriteCheckpoint(const std::string& dir, const std::string& config_json,
                     const std::vector<Tensor>& tensors, int shards) {
  std::filesystem::create_directories(dir);
  WriteFile(dir + "/config.json", config_json);
  if (shards == 1) {
    WriteFile(dir + "/model.safetensors", SafetensorsImage(tensors));
    return;
  }
  nlohmann::json map = nlohmann::json::object();
  const size_t per = (tensors.size() + shards - 1) / shards;
  for (int s = 0; s < shards; ++s) {
    const std::string file = fmt::format("model-{:05}-of-{:05}.safetensors", s + 1, shards);
    std::vector<Tensor> part;
    for (size_t i = s * per; i < std::min(tensors.size(), (s + 1) * per); ++i) {
      part.push_back(tensors[i]);
      map[tensors[i].name] = file;
    }
    WriteFile(dir + "/" + file, SafetensorsImage(part));
  }
  WriteFile(dir + "/model.safetensors.index.json",
            nlohmann::json({{"metadata", {{"total_size", 0}}}, {"weight_map", map}}).dump(2));
}

void WriteLlamaAsHf(const LlamaModel& m, const std::string& dir, const std::string& dtype, int shards,
                    const std::string& architecture) {
  WriteCheckpoint(dir, ConfigJson(m, architecture), HfTensorsOf(m, dtype), shards);
}

LlamaModel RoundedToBf16(LlamaModel m) {
  for (const TensorRef& t : TensorsInFileOrder(m)) {
    for (size_t i = 0; i < t.size; ++i) t.data[i] = RoundBf16(t.data[i]);
  }
  return m;
}

}  // namespace flexcim::pruner::testhf
