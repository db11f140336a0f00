#include "flow_pruner/mamba_checkpoint.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/errors.h"
#include "flow_pruner/hf_tensor_locator.h"

namespace flexcim::pruner {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

std::string ConfigPath(const std::string& dir) { return (fs::path(dir) / "config.json").string(); }

std::string ArchitectureOf(const Json& cfg) {
  if (cfg.contains("architectures") && cfg["architectures"].is_array() && !cfg["architectures"].empty() &&
      cfg["architectures"][0].is_string()) {
    return cfg["architectures"][0].get<std::string>();
  }
  return "";
}

std::string ModelTypeOf(const Json& cfg) {
  return cfg.contains("model_type") && cfg["model_type"].is_string() ? cfg["model_type"].get<std::string>() : "";
}

// The first of `keys` present in cfg (or ssm_cfg, mamba_ssm's nested block).
const Json* Lookup(const Json& cfg, std::initializer_list<const char*> keys, std::string* found) {
  for (const char* k : keys) {
    if (cfg.contains(k) && !cfg[k].is_null()) {
      *found = k;
      return &cfg[k];
    }
  }
  if (cfg.contains("ssm_cfg") && cfg["ssm_cfg"].is_object()) {
    for (const char* k : keys) {
      if (cfg["ssm_cfg"].contains(k) && !cfg["ssm_cfg"][k].is_null()) {
        *found = fmt::format("ssm_cfg.{}", k);
        return &cfg["ssm_cfg"][k];
      }
    }
  }
  return nullptr;
}

std::string KeyNames(std::initializer_list<const char*> keys) {
  std::vector<std::string> quoted;
  for (const char* k : keys) quoted.push_back(fmt::format("\"{}\"", k));
  return fmt::format("{}", fmt::join(quoted, " or "));
}

// A positive integer under one of `keys`; `fallback` (> 0) when absent, or
// an error naming the keys when there is no fallback.
int PositiveInt(const Json& cfg, std::initializer_list<const char*> keys, int fallback, const std::string& source) {
  std::string key;
  const Json* v = Lookup(cfg, keys, &key);
  if (!v) {
    if (fallback > 0) return fallback;
    throw Error(fmt::format("{}: {} must be a positive integer (missing)", source, KeyNames(keys)));
  }
  if (!v->is_number_integer() || v->get<int64_t>() <= 0 || v->get<int64_t>() > (1 << 24)) {
    throw Error(fmt::format("{}: \"{}\" must be a positive integer, not {}", source, key, v->dump()));
  }
  return v->get<int>();
}

bool BoolOr(const Json& cfg, const char* key, bool fallback, const std::string& source) {
  if (!cfg.contains(key) || cfg[key].is_null()) return fallback;
  if (!cfg[key].is_boolean()) {
    throw Error(fmt::format("{}: \"{}\" must be true or false, not {}", source, key, cfg[key].dump()));
  }
  return cfg[key].get<bool>();
}

MambaConfig ParseMambaConfig(const Json& cfg, const std::string& source) {
  MambaConfig c;
  c.d_model = PositiveInt(cfg, {"hidden_size", "d_model"}, 0, source);
  c.n_layer = PositiveInt(cfg, {"num_hidden_layers", "n_layer"}, 0, source);
  const int vocab = PositiveInt(cfg, {"vocab_size"}, 0, source);
  c.d_state = PositiveInt(cfg, {"state_size", "d_state"}, 16, source);
  c.d_conv = PositiveInt(cfg, {"conv_kernel", "d_conv"}, 4, source);
  c.expand = PositiveInt(cfg, {"expand"}, 2, source);
  const int pad = PositiveInt(cfg, {"pad_vocab_size_multiple"}, 1, source);
  c.vocab_size = (vocab + pad - 1) / pad * pad;
  std::string key;
  if (const Json* r = Lookup(cfg, {"time_step_rank", "dt_rank"}, &key); r == nullptr || *r == "auto") {
    c.dt_rank = (c.d_model + 15) / 16;
  } else if (r->is_number_integer() && r->get<int64_t>() > 0 && r->get<int64_t>() <= (1 << 24)) {
    c.dt_rank = r->get<int>();
  } else {
    throw Error(fmt::format("{}: \"{}\" must be \"auto\" or a positive integer, not {}", source, key, r->dump()));
  }
  c.tie_word_embeddings = BoolOr(cfg, "tie_word_embeddings", true, source);
  c.conv_bias = BoolOr(cfg, "use_conv_bias", true, source);
  c.proj_bias = BoolOr(cfg, "use_bias", false, source);
  if (cfg.contains("layer_norm_epsilon") && !cfg["layer_norm_epsilon"].is_null()) {
    const Json& e = cfg["layer_norm_epsilon"];
    if (!e.is_number() || !(e.get<double>() > 0)) {
      throw Error(fmt::format("{}: \"layer_norm_epsilon\" must be a positive number, not {}", source, e.dump()));
    }
    c.norm_eps = e.get<float>();
  }
  if (cfg.contains("hidden_act") && cfg["hidden_act"] != "silu") {
    throw Error(fmt::format("{}: hidden_act {} is not supported (silu)", source, cfg["hidden_act"].dump()));
  }
  if (cfg.contains("intermediate_size") && !cfg["intermediate_size"].is_null() &&
      cfg["intermediate_size"] != c.d_inner()) {
    throw Error(fmt::format("{}: intermediate_size {} is not expand * hidden_size = {}", source,
                            cfg["intermediate_size"].dump(), c.d_inner()));
  }
  return c;
}

// One tensor to read: its name, the shape config.json implies, where it goes.
struct Slot {
  std::string name;
  std::vector<int64_t> shape;
  Matrix* matrix = nullptr;
  std::vector<float>* vector = nullptr;
  int64_t elements() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
  }
};

std::vector<Slot> Slots(MambaModel& m) {
  const MambaConfig& c = m.config;
  const int64_t D = c.d_model, E = c.d_inner(), N = c.d_state, K = c.d_conv, R = c.dt_rank, V = c.vocab_size;
  std::vector<Slot> s;
  auto matrix = [&](std::string name, std::vector<int64_t> shape, Matrix& w, int rows, int cols) {
    w = Matrix(rows, cols);
    s.push_back({std::move(name), std::move(shape), &w, nullptr});
  };
  auto vec = [&](std::string name, int64_t n, std::vector<float>& v) {
    v.assign(static_cast<size_t>(n), 0.0f);
    s.push_back({std::move(name), {n}, nullptr, &v});
  };
  matrix("backbone.embeddings.weight", {V, D}, m.embedding, V, D);
  for (int l = 0; l < c.n_layer; ++l) {
    MambaLayer& L = m.layers[l];
    const std::string p = fmt::format("backbone.layers.{}.", l);
    vec(p + "norm.weight", D, L.norm);
    matrix(p + "mixer.in_proj.weight", {2 * E, D}, L.in_proj, 2 * E, D);
    if (c.proj_bias) vec(p + "mixer.in_proj.bias", 2 * E, L.in_proj_bias);
    matrix(p + "mixer.conv1d.weight", {E, 1, K}, L.conv_weight, E, K);
    if (c.conv_bias) vec(p + "mixer.conv1d.bias", E, L.conv_bias);
    matrix(p + "mixer.x_proj.weight", {R + 2 * N, E}, L.x_proj, R + 2 * N, E);
    matrix(p + "mixer.dt_proj.weight", {E, R}, L.dt_proj, E, R);
    vec(p + "mixer.dt_proj.bias", E, L.dt_proj_bias);
    matrix(p + "mixer.A_log", {E, N}, L.A_log, E, N);
    vec(p + "mixer.D", E, L.D);
    matrix(p + "mixer.out_proj.weight", {D, E}, L.out_proj, D, E);
    if (c.proj_bias) vec(p + "mixer.out_proj.bias", D, L.out_proj_bias);
  }
  vec("backbone.norm_f.weight", D, m.norm_f);
  if (m.lm_head) matrix("lm_head.weight", {V, D}, *m.lm_head, V, D);
  return s;
}

}  // namespace

bool IsMambaCheckpointDirectory(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec) || !fs::is_regular_file(ConfigPath(dir), ec)) return false;
  const Json cfg = ParseJsonObjectFile(ConfigPath(dir));
  const std::string arch = ArchitectureOf(cfg), type = ModelTypeOf(cfg);
  return arch == "MambaForCausalLM" || arch == "Mamba2ForCausalLM" || type == "mamba" || type == "mamba2";
}

MambaModel LoadMambaCheckpoint(const std::string& dir) {
  const std::string source = ConfigPath(dir);
  const Json cfg = ParseJsonObjectFile(source);
  const std::string arch = ArchitectureOf(cfg), type = ModelTypeOf(cfg);
  if (arch == "Mamba2ForCausalLM" || type == "mamba2") {
    throw Error(fmt::format("{}: Mamba-2 ({}) is not supported (MambaForCausalLM)", source,
                            arch.empty() ? "model_type mamba2" : arch));
  }
  if (arch != "MambaForCausalLM") {
    throw Error(fmt::format("{}: architecture {} is not supported for model_type mamba (MambaForCausalLM)", source,
                            arch.empty() ? "(none)" : arch));
  }
  MambaModel m;
  m.source = dir;
  m.config = ParseMambaConfig(cfg, source);
  m.layers.resize(m.config.n_layer);
  if (!m.config.tie_word_embeddings) m.lm_head.emplace();

  HfTensorLocator locator(dir);
  // A Mamba-2 checkpoint under a Mamba-1 config: refused by its keys before
  // anything is read.
  if (locator.Has("backbone.layers.0.mixer.norm.weight")) {
    const auto [file, t] = locator.Find("backbone.layers.0.mixer.norm.weight");
    throw Error(fmt::format("{}: tensor backbone.layers.0.mixer.norm.weight is Mamba-2's gated norm: a Mamba-2 "
                            "checkpoint is not supported (MambaForCausalLM)", file->path()));
  }
  if (locator.Has("backbone.layers.0.mixer.A_log")) {
    const auto [file, t] = locator.Find("backbone.layers.0.mixer.A_log");
    if (t->shape.size() == 1) {
      throw Error(fmt::format("{}: tensor backbone.layers.0.mixer.A_log has shape [{}], one value per head: a "
                              "Mamba-2 checkpoint is not supported (MambaForCausalLM)",
                              file->path(), fmt::join(t->shape, ", ")));
    }
  }
  const std::vector<Slot> slots = Slots(m);
  std::set<std::string> dtypes;
  std::vector<std::pair<const SafetensorsFile*, const SafetensorsTensor*>> sources;
  for (const Slot& s : slots) {
    const auto [file, t] = locator.Find(s.name);
    if (t->shape != s.shape) {
      throw Error(fmt::format("{}: tensor {} has shape [{}], config.json implies [{}]", file->path(), s.name,
                              fmt::join(t->shape, ", "), fmt::join(s.shape, ", ")));
    }
    dtypes.insert(std::string(DtypeName(t->dtype)));
    sources.emplace_back(file, t);
  }
  for (size_t i = 0; i < slots.size(); ++i) {
    float* out = slots[i].matrix ? slots[i].matrix->data.data() : slots[i].vector->data();
    sources[i].first->ReadFp32(*sources[i].second, out);
  }
  m.description = fmt::format("Hugging Face MambaForCausalLM ({})", fmt::join(dtypes, ", "));
  return m;
}

}  // namespace flexcim::pruner
