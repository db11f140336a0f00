#include "flow_pruner/hf_load_benchmark.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/output_directory.h"
#include "flow_pruner/hf_checkpoint.h"
#include "flow_pruner/safetensors.h"

namespace flexcim::pruner {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kDim = 2048, kHeads = 16, kKvHeads = 4, kHidden = 5632, kVocab = 32000;

// "VmRSS" / "VmHWM" of this process, in bytes.
int64_t ProcStatusBytes(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(key) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stoll(line.substr(prefix.size())) * 1024;
  }
  throw Error(fmt::format("/proc/self/status: no {}", key));
}

std::string ConfigJson(int layers) {
  return fmt::format(
      R"({{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": {}, )"
      R"("intermediate_size": {}, "num_hidden_layers": {}, "num_attention_heads": {}, )"
      R"("num_key_value_heads": {}, "vocab_size": {}, "max_position_embeddings": 2048, )"
      R"("rms_norm_eps": 1e-05, "rope_theta": 10000.0, "hidden_act": "silu", )"
      R"("tie_word_embeddings": false, "torch_dtype": "bfloat16"}})"
      "\n",
      kDim, kHidden, layers, kHeads, kKvHeads, kVocab);
}

// Random rows (xorshift, uniform in [-0.05, 0.05)), one buffer reused.
class RandomRows {
 public:
  const float* Row(int64_t cols) {
    row_.resize(static_cast<size_t>(cols));
    for (float& v : row_) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      v = (static_cast<float>(state_ >> 40) / 16777216.0f - 0.5f) * 0.1f;
    }
    return row_.data();
  }

 private:
  uint64_t state_ = 0x9E3779B97F4A7C15ull;
  std::vector<float> row_;
};

int64_t WriteCheckpoint(const fs::path& dir, int layers) {
  const int64_t kv = static_cast<int64_t>(kKvHeads) * (kDim / kHeads);
  auto rows = std::make_shared<RandomRows>();
  std::vector<SafetensorsOutput> t;
  auto add = [&](std::string name, std::vector<int64_t> shape) {
    const int64_t cols = shape.back();
    t.push_back({std::move(name), TensorDtype::kBF16, std::move(shape),
                 [rows, cols](int64_t) { return rows->Row(cols); }});
  };
  add("model.embed_tokens.weight", {kVocab, kDim});
  for (int l = 0; l < layers; ++l) {
    const std::string p = fmt::format("model.layers.{}.", l);
    add(p + "input_layernorm.weight", {kDim});
    add(p + "self_attn.q_proj.weight", {kDim, kDim});
    add(p + "self_attn.k_proj.weight", {kv, kDim});
    add(p + "self_attn.v_proj.weight", {kv, kDim});
    add(p + "self_attn.o_proj.weight", {kDim, kDim});
    add(p + "post_attention_layernorm.weight", {kDim});
    add(p + "mlp.gate_proj.weight", {kHidden, kDim});
    add(p + "mlp.up_proj.weight", {kHidden, kDim});
    add(p + "mlp.down_proj.weight", {kDim, kHidden});
  }
  add("model.norm.weight", {kDim});
  add("lm_head.weight", {kVocab, kDim});
  fs::remove_all(dir);
  fs::create_directories(dir);
  WriteTextFile(dir / "config.json", ConfigJson(layers));
  WriteSafetensors((dir / "model.safetensors").string(), t, {{"format", "pt"}});
  int64_t params = 0;
  for (const auto& x : t) {
    int64_t n = 1;
    for (const int64_t d : x.shape) n *= d;
    params += n;
  }
  return params;
}

struct ChildReport {
  double load_seconds, user_seconds, system_seconds;
  int64_t rss_before, peak_rss, fp32_bytes;
  char error[512];
};

}  // namespace

HfLoadBenchmark RunHfLoadBenchmark(const fs::path& work_dir, int layers, bool keep) {
  const fs::path dir = work_dir / "hf-load-checkpoint";
  HfLoadBenchmark b;
  const auto t0 = Clock::now();
  b.parameters = WriteCheckpoint(dir, layers);
  b.write_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  b.file_bytes = static_cast<int64_t>(fs::file_size(dir / "model.safetensors"));

  int fds[2];
  if (pipe(fds) != 0) throw Error(fmt::format("hf-load benchmark: pipe: {}", std::strerror(errno)));
  const pid_t pid = fork();
  if (pid < 0) throw Error(fmt::format("hf-load benchmark: fork: {}", std::strerror(errno)));
  if (pid == 0) {
    close(fds[0]);
    ChildReport r{};
    try {
      r.rss_before = ProcStatusBytes("VmRSS");
      const auto t = Clock::now();
      const LlamaModel m = LoadHfCheckpoint(dir.string());
      r.load_seconds = std::chrono::duration<double>(Clock::now() - t).count();
      r.peak_rss = ProcStatusBytes("VmHWM");
      struct rusage ru {};
      getrusage(RUSAGE_SELF, &ru);
      r.user_seconds = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6;
      r.system_seconds = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
      for (const ConstTensorRef& x : TensorsInFileOrder(m)) r.fp32_bytes += static_cast<int64_t>(x.size) * 4;
    } catch (const std::exception& e) {
      std::snprintf(r.error, sizeof(r.error), "%s", e.what());
    }
    (void)!write(fds[1], &r, sizeof(r));
    _exit(0);
  }
  close(fds[1]);
  ChildReport r{};
  const ssize_t got = read(fds[0], &r, sizeof(r));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!keep) fs::remove_all(dir);
  if (got != static_cast<ssize_t>(sizeof(r))) {
    throw Error("hf-load benchmark: the loading process died without a report");
  }
  if (r.error[0]) throw Error(fmt::format("hf-load benchmark: {}", r.error));
  b.load_seconds = r.load_seconds;
  b.load_user_seconds = r.user_seconds;
  b.load_system_seconds = r.system_seconds;
  b.rss_before_bytes = r.rss_before;
  b.peak_rss_bytes = r.peak_rss;
  b.fp32_bytes = r.fp32_bytes;
  return b;
}

}  // namespace flexcim::pruner
