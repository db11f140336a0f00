#include "flow_pruner/llama_model.h"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/errors.h"
#include "flow_pruner/file_bytes.h"

namespace flexcim::pruner {

static_assert(std::endian::native == std::endian::little,
              "the llama2.c .bin format is little-endian; big-endian hosts are not supported");

namespace {

constexpr int64_t kHeaderBytes = 7 * 4;

// a * b + c * d ... with overflow detection; returns false on overflow.
bool MulAdd(int64_t& acc, std::initializer_list<int64_t> factors) {
  int64_t product = 1;
  for (const int64_t f : factors) {
    if (__builtin_mul_overflow(product, f, &product)) return false;
  }
  return !__builtin_add_overflow(acc, product, &acc);
}

bool ComputeFloatCount(const LlamaConfig& c, int64_t& count) {
  const int64_t V = c.vocab_size, d = c.dim, L = c.n_layers, h = c.hidden_dim,
                kv = c.kv_dim(), s = c.seq_len, hs = c.head_size();
  count = 0;
  return MulAdd(count, {V, d}) &&         // token_embedding
         MulAdd(count, {L, d}) &&         // rms_att
         MulAdd(count, {L, d, d}) &&      // wq
         MulAdd(count, {2, L, kv, d}) &&  // wk, wv
         MulAdd(count, {L, d, d}) &&      // wo
         MulAdd(count, {L, d}) &&         // rms_ffn
         MulAdd(count, {3, L, h, d}) &&   // w1, w2, w3
         MulAdd(count, {d}) &&            // rms_final
         MulAdd(count, {s, hs}) &&        // freq_cis real + imag
         (c.shared_classifier || MulAdd(count, {V, d})) &&  // wcls
         count <= (std::numeric_limits<int64_t>::max() - kHeaderBytes) / 4;
}

template <typename Ref, typename Model>
std::vector<Ref> CollectTensors(Model& m) {
  std::vector<Ref> out;
  auto add = [&](std::string_view name, int layer, auto& container) {
    out.push_back(Ref{name, layer, container.data(), container.size()});
  };
  auto add_matrix = [&](std::string_view name, int layer, auto& matrix) {
    out.push_back(Ref{name, layer, matrix.data.data(), matrix.data.size()});
  };
  add_matrix("token_embedding", -1, m.token_embedding);
  const int L = static_cast<int>(m.layers.size());
  for (int l = 0; l < L; ++l) add("rms_att", l, m.layers[l].rms_att);
  for (int l = 0; l < L; ++l) add_matrix("wq", l, m.layers[l].wq);
  for (int l = 0; l < L; ++l) add_matrix("wk", l, m.layers[l].wk);
  for (int l = 0; l < L; ++l) add_matrix("wv", l, m.layers[l].wv);
  for (int l = 0; l < L; ++l) add_matrix("wo", l, m.layers[l].wo);
  for (int l = 0; l < L; ++l) add("rms_ffn", l, m.layers[l].rms_ffn);
  for (int l = 0; l < L; ++l) add_matrix("w1", l, m.layers[l].w1);
  for (int l = 0; l < L; ++l) add_matrix("w2", l, m.layers[l].w2);
  for (int l = 0; l < L; ++l) add_matrix("w3", l, m.layers[l].w3);
  add("rms_final", -1, m.rms_final);
  add("freq_cis_real", -1, m.freq_cis_real);
  add("freq_cis_imag", -1, m.freq_cis_imag);
  if (m.wcls) add_matrix("wcls", -1, *m.wcls);
  return out;
}

}  // namespace

std::string_view LinearName(LinearKind kind) {
  switch (kind) {
    case LinearKind::kQ: return "wq";
    case LinearKind::kK: return "wk";
    case LinearKind::kV: return "wv";
    case LinearKind::kO: return "wo";
    case LinearKind::kW1: return "w1";
    case LinearKind::kW2: return "w2";
    case LinearKind::kW3: return "w3";
  }
  return "?";
}

int64_t LlamaConfig::FloatCount() const {
  int64_t count = 0;
  if (!ComputeFloatCount(*this, count)) {
    throw Error("model header implies more floats than fit in a file");
  }
  return count;
}

int64_t LlamaConfig::FileBytes() const { return kHeaderBytes + 4 * FloatCount(); }

Matrix& LlamaLayer::linear(LinearKind kind) {
  return const_cast<Matrix&>(static_cast<const LlamaLayer&>(*this).linear(kind));
}

const Matrix& LlamaLayer::linear(LinearKind kind) const {
  switch (kind) {
    case LinearKind::kQ: return wq;
    case LinearKind::kK: return wk;
    case LinearKind::kV: return wv;
    case LinearKind::kO: return wo;
    case LinearKind::kW1: return w1;
    case LinearKind::kW2: return w2;
    case LinearKind::kW3: return w3;
  }
  return wq;
}

LlamaConfig ValidateLlamaHeader(const std::array<int32_t, 7>& h, std::string_view source) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"};
  for (int i = 0; i < 7; ++i) {
    if (i == 5) continue;
    if (h[i] <= 0) {
      throw Error(fmt::format("{}: header field {} is {}; it must be positive", source,
                              kNames[i], h[i]));
    }
  }
  if (h[5] == 0 || h[5] == std::numeric_limits<int32_t>::min()) {
    throw Error(fmt::format(
        "{}: header field vocab_size is {}; it must be non-zero (negative means a separate "
        "classifier)",
        source, h[5]));
  }
  LlamaConfig c;
  c.dim = h[0];
  c.hidden_dim = h[1];
  c.n_layers = h[2];
  c.n_heads = h[3];
  c.n_kv_heads = h[4];
  c.vocab_size = h[5] > 0 ? h[5] : -h[5];
  c.shared_classifier = h[5] > 0;
  c.seq_len = h[6];
  if (c.dim % c.n_heads != 0) {
    throw Error(fmt::format("{}: dim {} is not divisible by n_heads {}", source, c.dim, c.n_heads));
  }
  if (c.n_heads % c.n_kv_heads != 0) {
    throw Error(fmt::format("{}: n_heads {} is not divisible by n_kv_heads {}", source, c.n_heads,
                            c.n_kv_heads));
  }
  if (c.head_size() % 2 != 0) {
    throw Error(fmt::format("{}: head_size {} (dim {} / n_heads {}) is odd; RoPE needs it even",
                            source, c.head_size(), c.dim, c.n_heads));
  }
  int64_t count = 0;
  if (!ComputeFloatCount(c, count)) {
    throw Error(fmt::format(
        "{}: header (dim {}, hidden_dim {}, n_layers {}, vocab_size {}, seq_len {}) implies "
        "more floats than fit in a file",
        source, c.dim, c.hidden_dim, c.n_layers, h[5], c.seq_len));
  }
  return c;
}

LlamaModel AllocateLlamaModel(const LlamaConfig& c, bool rope_table) {
  LlamaModel m;
  m.config = c;
  m.token_embedding = Matrix(c.vocab_size, c.dim);
  m.layers.resize(c.n_layers);
  for (LlamaLayer& layer : m.layers) {
    layer.rms_att.assign(c.dim, 0.0f);
    layer.rms_ffn.assign(c.dim, 0.0f);
    layer.wq = Matrix(c.dim, c.dim);
    layer.wk = Matrix(c.kv_dim(), c.dim);
    layer.wv = Matrix(c.kv_dim(), c.dim);
    layer.wo = Matrix(c.dim, c.dim);
    layer.w1 = Matrix(c.hidden_dim, c.dim);
    layer.w2 = Matrix(c.dim, c.hidden_dim);
    layer.w3 = Matrix(c.hidden_dim, c.dim);
  }
  m.rms_final.assign(c.dim, 0.0f);
  const size_t rope = rope_table ? static_cast<size_t>(c.seq_len) * (c.head_size() / 2) : 0;
  m.freq_cis_real.assign(rope, 0.0f);
  m.freq_cis_imag.assign(rope, 0.0f);
  if (!c.shared_classifier) m.wcls = Matrix(c.vocab_size, c.dim);
  return m;
}

std::vector<TensorRef> TensorsInFileOrder(LlamaModel& model) {
  return CollectTensors<TensorRef>(model);
}

std::vector<ConstTensorRef> TensorsInFileOrder(const LlamaModel& model) {
  return CollectTensors<ConstTensorRef>(model);
}

LlamaModel ParseLlamaModel(std::string_view bytes, std::string_view source) {
  const auto size = static_cast<int64_t>(bytes.size());
  if (size < kHeaderBytes) {
    throw Error(fmt::format("{}: truncated: file has {} bytes, less than the {}-byte header",
                            source, size, kHeaderBytes));
  }
  std::array<int32_t, 7> header{};
  std::memcpy(header.data(), bytes.data(), kHeaderBytes);
  const LlamaConfig config = ValidateLlamaHeader(header, source);
  const int64_t floats = config.FloatCount();
  const int64_t expected = config.FileBytes();
  if (size != expected) {
    throw Error(fmt::format("{}: {}: header says {} floats ({} bytes) but file has {} bytes",
                            source, size < expected ? "truncated" : "oversized", floats, expected,
                            size));
  }
  LlamaModel model = AllocateLlamaModel(config);
  size_t offset = kHeaderBytes;
  for (const TensorRef& t : TensorsInFileOrder(model)) {
    std::memcpy(t.data, bytes.data() + offset, t.size * sizeof(float));
    offset += t.size * sizeof(float);
    for (size_t i = 0; i < t.size; ++i) {
      if (!std::isfinite(t.data[i])) {
        throw Error(fmt::format("{}: tensor {}{} has a non-finite value ({}) at element {}",
                                source, t.name,
                                t.layer >= 0 ? fmt::format(" of layer {}", t.layer) : "",
                                t.data[i], i));
      }
    }
  }
  return model;
}

LlamaModel LoadLlamaModel(const std::string& path) {
  return ParseLlamaModel(ReadFileBytes(path), path);
}

}  // namespace flexcim::pruner
