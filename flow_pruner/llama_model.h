// LlamaModel: a Llama-architecture model in llama2.c's legacy .bin format
// (../shared/data/README.md, "llama2.c legacy .bin model layout").
//
// Every weight matrix is a Matrix stored like nn.Linear.weight, [out][in].
// The RoPE table (freq_cis) is kept verbatim only so that WriteLlamaModel can
// reproduce the file byte for byte; the forward pass computes RoPE itself.
//
// The same structure holds Hugging Face Llama / Mistral / Qwen2 checkpoints
// (flow_pruner/hf_checkpoint.h): their q/k rows are stored here in llama2.c's
// adjacent-pair RoPE order (the reader un-permutes them, the writer permutes
// them back), so one forward pass serves both; see docs/HF_CHECKPOINTS.md.
#pragma once

#include <array>
#include <map>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flow_pruner/matrix.h"

namespace flexcim::pruner {

// The seven linear layers of a transformer block, in file order.
enum class LinearKind { kQ = 0, kK, kV, kO, kW1, kW2, kW3 };
inline constexpr int kNumLinearKinds = 7;
inline constexpr std::array<LinearKind, kNumLinearKinds> kAllLinearKinds = {
    LinearKind::kQ, LinearKind::kK,  LinearKind::kV, LinearKind::kO,
    LinearKind::kW1, LinearKind::kW2, LinearKind::kW3};

// llama2.c's tensor names: "wq", "wk", "wv", "wo", "w1", "w2", "w3".
std::string_view LinearName(LinearKind kind);
inline int LinearIndex(LinearKind kind) { return static_cast<int>(kind); }

// The 7-int32 header, validated. vocab_size is always the real (positive)
// vocabulary size; shared_classifier records the sign in the file.
struct LlamaConfig {
  int dim = 0;
  int hidden_dim = 0;
  int n_layers = 0;
  int n_heads = 0;
  int n_kv_heads = 0;
  int vocab_size = 0;
  int seq_len = 0;
  bool shared_classifier = true;
  // llama2.c's values; a Hugging Face config.json sets its own.
  float rope_theta = 10000.0f;
  float rms_eps = 1e-5f;

  int head_size() const { return dim / n_heads; }
  int kv_dim() const { return n_kv_heads * head_size(); }
  // Query heads per KV head; query head h uses KV head h / kv_mul().
  int kv_mul() const { return n_heads / n_kv_heads; }

  // Number of float32 values after the header (README "Size check").
  int64_t FloatCount() const;
  // 28 + 4 * FloatCount().
  int64_t FileBytes() const;
};

struct LlamaLayer {
  std::vector<float> rms_att;  // [dim]
  std::vector<float> rms_ffn;  // [dim]
  Matrix wq;  // [dim][dim]
  Matrix wk;  // [kv_dim][dim]
  Matrix wv;  // [kv_dim][dim]
  Matrix wo;  // [dim][dim]
  Matrix w1;  // [hidden][dim]  gate
  Matrix w2;  // [dim][hidden]  down
  Matrix w3;  // [hidden][dim]  up
  // q/k/v biases (Qwen2); empty when the architecture has none. bq and bk
  // are in the same adjacent-pair RoPE order as wq and wk.
  std::vector<float> bq;  // [dim]
  std::vector<float> bk;  // [kv_dim]
  std::vector<float> bv;  // [kv_dim]

  Matrix& linear(LinearKind kind);
  const Matrix& linear(LinearKind kind) const;
};

// Where a model read from a Hugging Face directory came from.
struct HfCheckpointInfo {
  std::string directory;     // the input directory
  std::string architecture;  // "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM"
  std::string config_json;   // config.json, verbatim
  // Each tensor's dtype in the input ("F32", "F16", "BF16"), by HF name.
  std::map<std::string, std::string> dtypes;
};

struct LlamaModel {
  LlamaConfig config;
  Matrix token_embedding;  // [vocab][dim]
  std::vector<LlamaLayer> layers;
  std::vector<float> rms_final;      // [dim]
  std::vector<float> freq_cis_real;  // [seq_len][head_size/2], verbatim
  std::vector<float> freq_cis_imag;  // [seq_len][head_size/2], verbatim
  std::optional<Matrix> wcls;        // [vocab][dim], only when not shared
  // Set when the model came from a Hugging Face directory: what the writer
  // needs to write it back in the same form.
  std::optional<HfCheckpointInfo> hf;

  // wcls when present, else the token embedding.
  const Matrix& classifier() const { return wcls ? *wcls : token_embedding; }
};

// A model of the given configuration with every tensor allocated (zeros);
// the freq_cis tables only with `rope_table` (llama2.c files carry them).
LlamaModel AllocateLlamaModel(const LlamaConfig& config, bool rope_table = true);

// One tensor of the file layout, in file order: `name` is e.g. "wq" and
// `layer` its layer (-1 for model-level tensors).
struct TensorRef {
  std::string_view name;
  int layer;
  float* data;
  size_t size;
};
struct ConstTensorRef {
  std::string_view name;
  int layer;
  const float* data;
  size_t size;
};

// Every tensor in file order (README layout table), freq_cis included.
std::vector<TensorRef> TensorsInFileOrder(LlamaModel& model);
std::vector<ConstTensorRef> TensorsInFileOrder(const LlamaModel& model);

// Validates the seven header values (as read from the file, vocab_size may
// be negative). Throws flexcim::Error "SOURCE: ..." naming the bad value.
LlamaConfig ValidateLlamaHeader(const std::array<int32_t, 7>& header, std::string_view source);

// Loads and validates a legacy .bin model. Every problem is a one-line
// flexcim::Error starting with the path, e.g.
//   "m.bin: truncated: header says 264128 floats (1056540 bytes) but file has 1000 bytes".
LlamaModel LoadLlamaModel(const std::string& path);

// Parses an in-memory image of a .bin file; `source` names it in errors.
LlamaModel ParseLlamaModel(std::string_view bytes, std::string_view source);

}  // namespace flexcim::pruner
