#include "flow_pruner/rwkv_reader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>
#include <vector>

#include "core/errors.h"
#include "flow_pruner/file_bytes.h"
#include "flow_pruner/safetensors.h"

namespace flexcim::pruner {

namespace {

struct RawTensor {
  std::vector<int64_t> dims;  // ggml order, innermost first
  uint32_t type = 0;          // 0 FP32, 1 FP16
  size_t offset = 0;          // of the data in the file
  int64_t elements() const {
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    return n;
  }
};

const char* TypeName(uint32_t type) {
  static const char* kNames[] = {"FP32", "FP16", "Q4_0", "Q4_1", "Q4_1_O", "Q4_2", "Q4_3", "Q5_0",
                                 "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"};
  return type < std::size(kNames) ? kNames[type] : "unknown";
}

uint32_t U32At(const std::string& bytes, size_t offset) {
  uint32_t v;
  std::memcpy(&v, bytes.data() + offset, 4);
  return v;
}

class TensorTable {
 public:
  TensorTable(std::string path, std::string bytes) : path_(std::move(path)), bytes_(std::move(bytes)) {}
  const std::string& path() const { return path_; }
  const std::string& bytes() const { return bytes_; }
  std::map<std::string, RawTensor> tensors;

  bool Has(const std::string& name) const { return tensors.count(name) > 0; }

  const RawTensor& Get(const std::string& name) const {
    const auto it = tensors.find(name);
    if (it == tensors.end()) throw Error(fmt::format("{}: missing tensor {}", path_, name));
    return it->second;
  }

  std::vector<float> Values(const std::string& name, int64_t expected_elements) const {
    const RawTensor& t = Get(name);
    if (t.elements() != expected_elements) {
      throw Error(fmt::format("{}: tensor {} has shape ({}), {} elements; the header implies {}", path_,
                              name, fmt::join(t.dims, ", "), t.elements(), expected_elements));
    }
    std::vector<float> out(static_cast<size_t>(t.elements()));
    const char* p = bytes_.data() + t.offset;
    if (t.type == 0) {
      std::memcpy(out.data(), p, out.size() * 4);
    } else {
      for (size_t i = 0; i < out.size(); ++i) {
        uint16_t h;
        std::memcpy(&h, p + 2 * i, 2);
        out[i] = F16ToFloat(h);
      }
    }
    for (size_t i = 0; i < out.size(); ++i) {
      if (!std::isfinite(out[i])) {
        throw Error(fmt::format("{}: tensor {}: element {} is not finite ({})", path_, name, i, out[i]));
      }
    }
    return out;
  }

  // A matrix stored (in, out) in ggml order: `out` rows of `in`.
  Matrix Weight(const std::string& name, int64_t out_features, int64_t in_features) const {
    const RawTensor& t = Get(name);
    if (t.dims.size() != 2 || t.dims[0] != in_features || t.dims[1] != out_features) {
      throw Error(fmt::format("{}: tensor {} has shape ({}), expected ({}, {})", path_, name,
                              fmt::join(t.dims, ", "), in_features, out_features));
    }
    Matrix m(static_cast<int>(out_features), static_cast<int>(in_features));
    m.data = Values(name, out_features * in_features);
    return m;
  }

  RwkvLayerNorm Norm(const std::string& prefix, int64_t n) const {
    return {Values(prefix + ".weight", n), Values(prefix + ".bias", n)};
  }

 private:
  std::string path_;
  std::string bytes_;
};

TensorTable ParseTensors(const std::string& path, std::string bytes) {
  TensorTable table(path, std::move(bytes));
  const std::string& b = table.bytes();
  size_t at = 24;
  int index = 0;
  while (at < b.size()) {
    if (b.size() - at < 12) {
      throw Error(fmt::format("{}: tensor #{}: header at offset {} is cut off by the end of the file "
                              "({} bytes; truncated)", path, index, at, b.size()));
    }
    const uint32_t dim_count = U32At(b, at), key_length = U32At(b, at + 4), type = U32At(b, at + 8);
    if (dim_count < 1 || dim_count > 3) {
      throw Error(fmt::format("{}: tensor #{} at offset {}: dim_count {} is not 1, 2 or 3", path, index,
                              at, dim_count));
    }
    if (key_length == 0 || key_length > 1024) {
      throw Error(fmt::format("{}: tensor #{} at offset {}: key length {} is not in [1, 1024]", path,
                              index, at, key_length));
    }
    at += 12;
    if (b.size() - at < 4ull * dim_count + key_length) {
      throw Error(fmt::format("{}: tensor #{}: header at offset {} is cut off by the end of the file "
                              "({} bytes; truncated)", path, index, at - 12, b.size()));
    }
    RawTensor t;
    for (uint32_t d = 0; d < dim_count; ++d) t.dims.push_back(U32At(b, at + 4 * d));
    at += 4 * dim_count;
    const std::string name = b.substr(at, key_length);
    at += key_length;
    if (type > 1) {
      throw Error(fmt::format("{}: tensor {}: data type {} ({}) is not supported (FP32, FP16)", path, name,
                              type, TypeName(type)));
    }
    t.type = type;
    for (int64_t d : t.dims) {
      if (d <= 0 || d > (1 << 24)) {
        throw Error(fmt::format("{}: tensor {}: dimension {} is not in [1, 2^24]", path, name, d));
      }
    }
    const uint64_t need = static_cast<uint64_t>(t.elements()) * (type == 0 ? 4 : 2);
    if (b.size() - at < need) {
      throw Error(fmt::format("{}: tensor {}: data needs {} bytes at offset {}, the file has {} (truncated)",
                              path, name, need, at, b.size()));
    }
    t.offset = at;
    at += need;
    if (!table.tensors.emplace(name, t).second) {
      throw Error(fmt::format("{}: tensor {} appears twice", path, name));
    }
    ++index;
  }
  return table;
}

}  // namespace

bool IsRwkvModelFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  uint32_t magic = 0;
  if (!in.read(reinterpret_cast<char*>(&magic), 4)) return false;
  return magic == kRwkvFileMagic;
}

RwkvModel LoadRwkvModel(const std::string& path) {
  std::string bytes = ReadFileBytes(path);
  if (bytes.size() < 24) {
    throw Error(fmt::format("{}: {} bytes, shorter than rwkv.cpp's 24-byte header (truncated)", path,
                            bytes.size()));
  }
  const uint32_t magic = U32At(bytes, 0), version = U32At(bytes, 4);
  if (magic != kRwkvFileMagic) {
    throw Error(fmt::format("{}: not an rwkv.cpp model: magic 0x{:08x}, expected 0x{:08x} (\"ggmf\")", path,
                            magic, kRwkvFileMagic));
  }
  if (version != 100 && version != 101) {
    throw Error(fmt::format("{}: rwkv.cpp file version {} is not supported (100, 101)", path, version));
  }
  RwkvModel m;
  m.path = path;
  const uint32_t n_vocab = U32At(bytes, 8), n_embed = U32At(bytes, 12), n_layer = U32At(bytes, 16),
                 file_type = U32At(bytes, 20);
  for (const auto& [name, v] : {std::pair{"n_vocab", n_vocab}, {"n_embed", n_embed}, {"n_layer", n_layer}}) {
    if (v == 0 || v > (1u << 24)) {
      throw Error(fmt::format("{}: header {} {} is not in [1, 2^24]", path, name, v));
    }
  }
  m.n_vocab = static_cast<int>(n_vocab);
  m.n_embed = static_cast<int>(n_embed);
  m.n_layer = static_cast<int>(n_layer);
  m.data_type = TypeName(file_type);
  const TensorTable t = ParseTensors(path, std::move(bytes));

  // rwkv.cpp's version rule (rwkv_model_loading.inc).
  if (t.Has("blocks.0.att.x_rwkvag")) {
    m.version_major = 7;
    m.version_minor = 0;
  } else if (t.Has("blocks.0.att.time_maa_x")) {
    throw Error(fmt::format("{}: RWKV v6 is not supported (v5.2, v7)", path));
  } else if (!t.Has("blocks.0.att.ln_x.weight")) {
    throw Error(fmt::format("{}: RWKV v4 is not supported (v5.2, v7)", path));
  } else if (!t.Has("blocks.0.att.gate.weight")) {
    throw Error(fmt::format("{}: RWKV v5.1 is not supported (v5.2, v7)", path));
  }
  const int64_t C = m.n_embed, V = m.n_vocab;
  if (m.version_major == 7) {
    // rwkv.cpp: head_count = att.r_k's second dimension.
    const RawTensor& r_k = t.Get("blocks.0.att.r_k");
    if (r_k.dims.size() != 2 || r_k.dims[0] * r_k.dims[1] != C) {
      throw Error(fmt::format("{}: tensor blocks.0.att.r_k has shape ({}), expected (head_size, heads) with "
                              "head_size * heads = n_embed {}", path, fmt::join(r_k.dims, ", "), C));
    }
    m.head_size = static_cast<int>(r_k.dims[0]);
    m.head_count = static_cast<int>(r_k.dims[1]);
  } else {
    const RawTensor& decay = t.Get("blocks.0.att.time_decay");
    if (decay.dims.size() != 3 || decay.dims[0] != 1 || decay.dims[1] * decay.dims[2] != C) {
      throw Error(fmt::format("{}: tensor blocks.0.att.time_decay has shape ({}), expected (1, head_size, "
                              "heads) with head_size * heads = n_embed {}", path, fmt::join(decay.dims, ", "), C));
    }
    m.head_size = static_cast<int>(decay.dims[1]);
    m.head_count = static_cast<int>(decay.dims[2]);
  }
  const int64_t F = t.Get("blocks.0.ffn.key.weight").dims.back();
  // A low-rank matrix as its file gives it: (in, out) -> out rows of in.
  auto low_rank = [&](const std::string& name) {
    const RawTensor& r = t.Get(name);
    if (r.dims.size() != 2) {
      throw Error(fmt::format("{}: tensor {} has shape ({}), expected a matrix", path, name, fmt::join(r.dims, ", ")));
    }
    return t.Weight(name, r.dims[1], r.dims[0]);
  };

  m.emb = t.Weight("emb.weight", V, C);
  m.ln0 = t.Norm("blocks.0.ln0", C);
  m.layers.resize(m.n_layer);
  for (int l = 0; l < m.n_layer; ++l) {
    const std::string p = fmt::format("blocks.{}.", l);
    RwkvLayer& L = m.layers[l];
    L.ln1 = t.Norm(p + "ln1", C);
    L.ln2 = t.Norm(p + "ln2", C);
    L.ln_x = t.Norm(p + "att.ln_x", C);
    L.att_key = t.Weight(p + "att.key.weight", C, C);
    L.att_value = t.Weight(p + "att.value.weight", C, C);
    L.att_receptance = t.Weight(p + "att.receptance.weight", C, C);
    L.att_output = t.Weight(p + "att.output.weight", C, C);
    L.ffn_key = t.Weight(p + "ffn.key.weight", F, C);
    L.ffn_value = t.Weight(p + "ffn.value.weight", C, F);
    if (m.version_major == 7) {
      Rwkv7Mix& x = L.v7;
      const std::vector<float> mixes = t.Values(p + "att.x_rwkvag", 6 * C);
      for (auto [i, dst] : {std::pair{0, &x.x_r}, {1, &x.x_w}, {2, &x.x_k}, {3, &x.x_v}, {4, &x.x_a}, {5, &x.x_g}}) {
        dst->assign(mixes.begin() + i * C, mixes.begin() + (i + 1) * C);
      }
      x.w1 = low_rank(p + "att.w1");
      x.w2 = low_rank(p + "att.w2");
      x.a1 = low_rank(p + "att.a1");
      x.a2 = low_rank(p + "att.a2");
      x.g1 = low_rank(p + "att.g1");
      x.g2 = low_rank(p + "att.g2");
      x.w0 = t.Values(p + "att.w0", C);
      x.a0 = t.Values(p + "att.a0", C);
      if (l > 0) {
        x.v1 = low_rank(p + "att.v1");
        x.v2 = low_rank(p + "att.v2");
        x.v0 = t.Values(p + "att.v0", C);
      }
      x.k_k = t.Values(p + "att.k_k", C);
      x.k_a = t.Values(p + "att.k_a", C);
      x.r_k = t.Values(p + "att.r_k", C);
      x.ffn_x_k = t.Values(p + "ffn.x_k", C);
      for (const auto& [a, b, what] : {std::tuple{&x.w1, &x.w2, "w"}, {&x.a1, &x.a2, "a"}, {&x.g1, &x.g2, "g"},
                                       {&x.v1, &x.v2, "v"}}) {
        if (a->rows == 0 && l == 0 && std::string(what) == "v") continue;
        if (a->cols != C || b->rows != C || b->cols != a->rows) {
          throw Error(fmt::format("{}: tensors {}att.{}1 ({} x {}) and {}att.{}2 ({} x {}) do not chain "
                                  "n_embed {} -> n_embed", path, p, what, a->rows, a->cols, p, what, b->rows,
                                  b->cols, C));
        }
      }
      continue;
    }
    L.time_mix_k = t.Values(p + "att.time_mix_k", C);
    L.time_mix_v = t.Values(p + "att.time_mix_v", C);
    L.time_mix_r = t.Values(p + "att.time_mix_r", C);
    L.time_mix_g = t.Values(p + "att.time_mix_g", C);
    L.time_decay = t.Values(p + "att.time_decay", C);
    L.time_first = t.Values(p + "att.time_faaaa", C);
    L.att_gate = t.Weight(p + "att.gate.weight", C, C);
    L.ffn_time_mix_k = t.Values(p + "ffn.time_mix_k", C);
    L.ffn_time_mix_r = t.Values(p + "ffn.time_mix_r", C);
    L.ffn_receptance = t.Weight(p + "ffn.receptance.weight", C, C);
  }
  m.ln_out = t.Norm("ln_out", C);
  m.head = t.Weight("head.weight", V, C);
  return m;
}

}  // namespace flexcim::pruner
