#include "flow_pruner/hf_checkpoint.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/output_directory.h"
#include "flow_pruner/file_bytes.h"
#include "core/parallel_for.h"
#include "flow_pruner/hf_tensor_locator.h"
#include "flow_pruner/safetensors.h"

namespace flexcim::pruner {

namespace fs = std::filesystem;

namespace {

using Json = nlohmann::json;

constexpr const char* kSingleFile = "model.safetensors";
// Files beside the weights that tools load with the model; copied verbatim.
constexpr const char* kCompanionFiles[] = {"tokenizer.model", "tokenizer.json",
                                           "tokenizer_config.json", "special_tokens_map.json",
                                           "generation_config.json"};

std::string InDir(const std::string& dir, const std::string& file) {
  return (fs::path(dir) / file).string();
}


int PositiveInt(const Json& cfg, const char* key, const std::string& source) {
  if (!cfg.contains(key) || !cfg[key].is_number_integer() || cfg[key].get<int64_t>() <= 0 ||
      cfg[key].get<int64_t>() > INT32_MAX) {
    throw Error(fmt::format("{}: \"{}\" must be a positive integer{}", source, key,
                            cfg.contains(key) ? fmt::format(", not {}", cfg[key].dump()) : " (missing)"));
  }
  return cfg[key].get<int>();
}

float NumberOr(const Json& cfg, const char* key, float fallback, const std::string& source) {
  if (!cfg.contains(key) || cfg[key].is_null()) return fallback;
  if (!cfg[key].is_number() || !(cfg[key].get<double>() > 0)) {
    throw Error(fmt::format("{}: \"{}\" must be a positive number, not {}", source, key, cfg[key].dump()));
  }
  return cfg[key].get<float>();
}

bool BoolOr(const Json& cfg, const char* key, bool fallback, const std::string& source) {
  if (!cfg.contains(key) || cfg[key].is_null()) return fallback;
  if (!cfg[key].is_boolean()) {
    throw Error(fmt::format("{}: \"{}\" must be true or false, not {}", source, key, cfg[key].dump()));
  }
  return cfg[key].get<bool>();
}

struct HfConfig {
  std::string architecture;
  LlamaConfig llama;
  bool qkv_bias = false;
};

HfConfig ParseHfConfig(const Json& cfg, const std::string& source) {
  const std::string supported = fmt::format("{}", fmt::join(SupportedHfArchitectures(), ", "));
  if (!cfg.contains("architectures") || !cfg["architectures"].is_array() ||
      cfg["architectures"].empty() || !cfg["architectures"][0].is_string()) {
    throw Error(fmt::format("{}: no \"architectures\" list naming the model class ({})", source, supported));
  }
  HfConfig h;
  h.architecture = cfg["architectures"][0].get<std::string>();
  const auto& archs = SupportedHfArchitectures();
  if (std::find(archs.begin(), archs.end(), h.architecture) == archs.end()) {
    if (h.architecture == "MambaForCausalLM") {
      throw Error(fmt::format("{}: architecture MambaForCausalLM runs with `flexcim eval` only (here: {})", source,
                              supported));
    }
    throw Error(fmt::format("{}: architecture {} is not supported ({}; MambaForCausalLM with eval)", source,
                            h.architecture, supported));
  }
  LlamaConfig& c = h.llama;
  c.dim = PositiveInt(cfg, "hidden_size", source);
  c.hidden_dim = PositiveInt(cfg, "intermediate_size", source);
  c.n_layers = PositiveInt(cfg, "num_hidden_layers", source);
  c.n_heads = PositiveInt(cfg, "num_attention_heads", source);
  c.n_kv_heads = cfg.contains("num_key_value_heads") && !cfg["num_key_value_heads"].is_null()
                     ? PositiveInt(cfg, "num_key_value_heads", source)
                     : c.n_heads;
  c.vocab_size = PositiveInt(cfg, "vocab_size", source);
  c.seq_len = PositiveInt(cfg, "max_position_embeddings", source);
  c.shared_classifier = BoolOr(cfg, "tie_word_embeddings", false, source);
  c.rope_theta = NumberOr(cfg, "rope_theta", 10000.0f, source);
  c.rms_eps = NumberOr(cfg, "rms_norm_eps", 1e-6f, source);
  if (cfg.contains("hidden_act") && cfg["hidden_act"] != "silu") {
    throw Error(fmt::format("{}: hidden_act {} is not supported (silu)", source, cfg["hidden_act"].dump()));
  }
  if (cfg.contains("rope_scaling") && !cfg["rope_scaling"].is_null()) {
    throw Error(fmt::format("{}: rope_scaling {} is not supported (plain RoPE only)", source,
                            cfg["rope_scaling"].dump()));
  }
  if (c.dim % c.n_heads != 0) {
    throw Error(fmt::format("{}: hidden_size {} is not divisible by num_attention_heads {}", source,
                            c.dim, c.n_heads));
  }
  if (cfg.contains("head_dim") && !cfg["head_dim"].is_null() && cfg["head_dim"] != c.dim / c.n_heads) {
    throw Error(fmt::format("{}: head_dim {} is not supported (only hidden_size / num_attention_heads = {})",
                            source, cfg["head_dim"].dump(), c.dim / c.n_heads));
  }
  if (c.n_heads % c.n_kv_heads != 0) {
    throw Error(fmt::format("{}: num_attention_heads {} is not divisible by num_key_value_heads {}",
                            source, c.n_heads, c.n_kv_heads));
  }
  if (c.head_size() % 2 != 0) {
    throw Error(fmt::format("{}: head size {} is odd; RoPE needs it even", source, c.head_size()));
  }
  if (BoolOr(cfg, "attention_bias", false, source) || BoolOr(cfg, "mlp_bias", false, source)) {
    throw Error(fmt::format("{}: attention_bias / mlp_bias are not supported for {}", source, h.architecture));
  }
  h.qkv_bias = h.architecture == "Qwen2ForCausalLM";
  // Sliding-window attention equals full attention on sequences no longer
  // than the window, so the window bounds the sequence length.
  const bool sliding = h.architecture == "Qwen2ForCausalLM"
                           ? BoolOr(cfg, "use_sliding_window", false, source)
                           : cfg.contains("sliding_window") && !cfg["sliding_window"].is_null();
  if (sliding) c.seq_len = std::min(c.seq_len, PositiveInt(cfg, "sliding_window", source));
  return h;
}

// One tensor of the checkpoint and where it lives in the model: a matrix or
// a vector, not necessarily allocated yet (the loader allocates it in the
// thread that converts it).
struct Slot {
  std::string name;
  std::vector<int64_t> shape;
  Matrix* matrix = nullptr;
  std::vector<float>* vector = nullptr;
  int permute_head_size = 0;  // > 0: q/k rows in the HF rotate-half order

  int64_t elements() const { return shape.size() == 2 ? shape[0] * shape[1] : shape[0]; }
  void Allocate() const {
    if (matrix) {
      *matrix = Matrix(static_cast<int>(shape[0]), static_cast<int>(shape[1]));
    } else {
      vector->assign(static_cast<size_t>(shape[0]), 0.0f);
    }
  }
  float* data() const { return matrix ? matrix->data.data() : vector->data(); }
};

// Every tensor of `m` (whose layers and wcls exist), shapes from its config.
std::vector<Slot> Slots(LlamaModel& m, bool qkv_bias) {
  const LlamaConfig& c = m.config;
  const int hs = c.head_size();
  const int64_t d = c.dim, kv = c.kv_dim(), h = c.hidden_dim, V = c.vocab_size;
  std::vector<Slot> s;
  auto matrix = [&](std::string name, int64_t rows, int64_t cols, Matrix& w, int permute) {
    s.push_back({std::move(name), {rows, cols}, &w, nullptr, permute});
  };
  auto vec = [&](std::string name, int64_t n, std::vector<float>& v, int permute) {
    s.push_back({std::move(name), {n}, nullptr, &v, permute});
  };
  matrix("model.embed_tokens.weight", V, d, m.token_embedding, 0);
  for (int l = 0; l < c.n_layers; ++l) {
    LlamaLayer& L = m.layers[l];
    const std::string p = fmt::format("model.layers.{}.", l);
    vec(p + "input_layernorm.weight", d, L.rms_att, 0);
    matrix(p + "self_attn.q_proj.weight", d, d, L.wq, hs);
    matrix(p + "self_attn.k_proj.weight", kv, d, L.wk, hs);
    matrix(p + "self_attn.v_proj.weight", kv, d, L.wv, 0);
    if (qkv_bias) {
      vec(p + "self_attn.q_proj.bias", d, L.bq, hs);
      vec(p + "self_attn.k_proj.bias", kv, L.bk, hs);
      vec(p + "self_attn.v_proj.bias", kv, L.bv, 0);
    }
    matrix(p + "self_attn.o_proj.weight", d, d, L.wo, 0);
    vec(p + "post_attention_layernorm.weight", d, L.rms_ffn, 0);
    matrix(p + "mlp.gate_proj.weight", h, d, L.w1, 0);
    matrix(p + "mlp.up_proj.weight", h, d, L.w3, 0);
    matrix(p + "mlp.down_proj.weight", d, h, L.w2, 0);
  }
  vec("model.norm.weight", d, m.rms_final, 0);
  if (m.wcls) matrix("lm_head.weight", V, d, *m.wcls, 0);
  return s;
}


}  // namespace

const std::vector<std::string>& SupportedHfArchitectures() {
  static const std::vector<std::string> kArchitectures = {"LlamaForCausalLM", "MistralForCausalLM",
                                                          "Qwen2ForCausalLM"};
  return kArchitectures;
}

int64_t HfToLlama2cRow(int64_t hf_row, int head_size) {
  const int64_t half = head_size / 2;
  const int64_t head = hf_row / head_size, j = hf_row % head_size;
  return head * head_size + 2 * (j % half) + j / half;
}

LlamaModel LoadHfCheckpoint(const std::string& dir) {
  const std::string config_path = InDir(dir, "config.json");
  HfCheckpointInfo info;
  info.directory = dir;
  info.config_json = ReadFileBytes(config_path);
  const HfConfig hc = ParseHfConfig(ParseJsonObjectFile(config_path), config_path);
  info.architecture = hc.architecture;
  // The layer count against the tensors present, before anything is sized
  // from it: fewer layers in config.json would silently drop the rest.
  HfTensorLocator locator(dir);
  const int64_t present = locator.LayersPresent();
  if (present != hc.llama.n_layers) {
    throw Error(fmt::format("{}: num_hidden_layers is {}, but {} holds tensors of {} layers", config_path,
                            hc.llama.n_layers, locator.Listing(), present));
  }
  LlamaModel m;
  m.config = hc.llama;
  m.layers.resize(hc.llama.n_layers);
  if (!hc.llama.shared_classifier) m.wcls.emplace();
  const std::vector<Slot> slots = Slots(m, hc.qkv_bias);
  // Headers first, in tensor order: every missing tensor or bad shape is
  // reported before any weight is converted.
  std::vector<std::pair<const SafetensorsFile*, const SafetensorsTensor*>> sources;
  for (const Slot& s : slots) {
    const auto [file, t] = locator.Find(s.name);
    if (t->shape != s.shape) {
      throw Error(fmt::format("{}: tensor {} has shape [{}], config.json implies [{}]", file->path(),
                              s.name, fmt::join(t->shape, ", "), fmt::join(s.shape, ", ")));
    }
    info.dtypes[s.name] = std::string(DtypeName(t->dtype));
    sources.emplace_back(file, t);
  }
  // Then allocate and convert, one tensor per task on every core.
  ParallelFor(static_cast<int>(slots.size()), 0, [&](int i) {
    const Slot& s = slots[i];
    const auto [file, t] = sources[i];
    s.Allocate();
    const int hs = s.permute_head_size;
    if (hs == 0) {
      file->ReadFp32(*t, s.data());
    } else if (s.matrix) {
      file->ReadFp32(*t, s.data(), [hs](int64_t r) { return HfToLlama2cRow(r, hs); });
    } else {  // a q/k bias: one row, permuted element by element
      std::vector<float> hf(static_cast<size_t>(s.shape[0]));
      file->ReadFp32(*t, hf.data());
      for (size_t e = 0; e < hf.size(); ++e) s.data()[HfToLlama2cRow(static_cast<int64_t>(e), hs)] = hf[e];
    }
  });
  m.hf = std::move(info);
  return m;
}

void DescribeAsHfLlama(LlamaModel& m, const std::string& dtype) {
  if (dtype != "F32" && dtype != "F16" && dtype != "BF16") {
    throw UsageError(fmt::format("--dtype {}: must be F32, F16 or BF16", dtype));
  }
  const LlamaConfig& c = m.config;
  const Json config = {{"architectures", {"LlamaForCausalLM"}},
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
                       {"bos_token_id", 1},
                       {"eos_token_id", 2},
                       {"torch_dtype", dtype == "F32" ? "float32" : dtype == "F16" ? "float16" : "bfloat16"}};
  HfCheckpointInfo info;
  info.architecture = "LlamaForCausalLM";
  info.config_json = config.dump(2) + "\n";
  for (const Slot& s : Slots(m, !m.layers.empty() && !m.layers[0].bq.empty())) info.dtypes[s.name] = dtype;
  m.hf = std::move(info);
}

void RoundBlockToStorageDtype(LlamaModel& m, int layer) {
  if (!m.hf) return;
  const std::string p = fmt::format("model.layers.{}.", layer);
  const std::pair<LinearKind, const char*> names[] = {
      {LinearKind::kQ, "self_attn.q_proj.weight"}, {LinearKind::kK, "self_attn.k_proj.weight"},
      {LinearKind::kV, "self_attn.v_proj.weight"}, {LinearKind::kO, "self_attn.o_proj.weight"},
      {LinearKind::kW1, "mlp.gate_proj.weight"},   {LinearKind::kW3, "mlp.up_proj.weight"},
      {LinearKind::kW2, "mlp.down_proj.weight"}};
  for (const auto& [kind, name] : names) {
    const auto it = m.hf->dtypes.find(p + name);
    if (it == m.hf->dtypes.end()) continue;
    std::vector<float>& data = m.layers.at(layer).linear(kind).data;
    if (it->second == DtypeName(TensorDtype::kBF16)) {
      for (float& v : data) v = Bf16ToFloat(FloatToBf16(v));
    } else if (it->second == DtypeName(TensorDtype::kF16)) {
      for (float& v : data) v = F16ToFloat(FloatToF16(v));
    }
  }
}

std::vector<std::string> WriteHfCheckpoint(const LlamaModel& m, const fs::path& dir) {
  if (!m.hf) throw Error("cannot write a Hugging Face checkpoint: the model was not read from one");
  const bool qkv_bias = !m.layers.empty() && !m.layers[0].bq.empty();
  std::vector<SafetensorsOutput> outputs;
  std::vector<std::vector<float>> permuted_biases;
  permuted_biases.reserve(2 * m.layers.size());
  // Slots only reads the model here.
  for (const Slot& s : Slots(const_cast<LlamaModel&>(m), qkv_bias)) {
    const auto dtype_it = m.hf->dtypes.find(s.name);
    if (dtype_it == m.hf->dtypes.end()) {
      throw Error(fmt::format("cannot write tensor {}: the input checkpoint had no such tensor", s.name));
    }
    TensorDtype dtype = TensorDtype::kF32;
    for (const TensorDtype d : {TensorDtype::kF32, TensorDtype::kF16, TensorDtype::kBF16}) {
      if (DtypeName(d) == dtype_it->second) dtype = d;
    }
    const int64_t have = s.matrix ? static_cast<int64_t>(s.matrix->data.size()) : static_cast<int64_t>(s.vector->size());
    if (have != s.elements() || (s.matrix && s.matrix->cols != s.shape[1])) {
      throw Error(fmt::format("cannot write tensor {}: it has {} floats, the config implies shape [{}]",
                              s.name, have, fmt::join(s.shape, ", ")));
    }
    SafetensorsOutput o{s.name, dtype, s.shape, {}};
    const int hs = s.permute_head_size;
    const float* data = s.data();
    if (hs == 0) {
      const int64_t cols = s.shape.size() == 2 ? s.shape[1] : 0;
      o.row = [data, cols](int64_t r) { return data + r * cols; };
    } else if (s.shape.size() == 2) {
      const int64_t cols = s.shape[1];
      o.row = [data, cols, hs](int64_t r) { return data + HfToLlama2cRow(r, hs) * cols; };
    } else {
      std::vector<float>& hf = permuted_biases.emplace_back(static_cast<size_t>(s.shape[0]));
      for (size_t i = 0; i < hf.size(); ++i) hf[i] = data[HfToLlama2cRow(static_cast<int64_t>(i), hs)];
      const float* p = hf.data();
      o.row = [p](int64_t) { return p; };
    }
    outputs.push_back(std::move(o));
  }
  std::vector<std::string> written = {"config.json", kSingleFile};
  WriteTextFile(dir / "config.json", m.hf->config_json);
  WriteSafetensors((dir / kSingleFile).string(), outputs, {{"format", "pt"}});
  for (const char* name : kCompanionFiles) {
    const fs::path from = fs::path(m.hf->directory) / name;
    if (!m.hf->directory.empty() && fs::is_regular_file(from)) {
      fs::copy_file(from, dir / name, fs::copy_options::overwrite_existing);
      written.push_back(name);
    }
  }
  return written;
}

}  // namespace flexcim::pruner
