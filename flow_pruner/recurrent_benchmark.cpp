#include "flow_pruner/recurrent_benchmark.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <random>

#include "flow_pruner/forward.h"

namespace flexcim::pruner {

namespace {

int64_t Size(const Matrix& m) { return static_cast<int64_t>(m.data.size()); }
int64_t Size(const std::vector<float>& v) { return static_cast<int64_t>(v.size()); }

void Randomize(Matrix& m, std::mt19937& rng) {
  const float bound = 1.0f / std::sqrt(static_cast<float>(m.cols));
  std::uniform_real_distribution<float> d(-bound, bound);
  for (float& v : m.data) v = d(rng);
}

double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

}  // namespace

int64_t ParameterCount(const RwkvModel& m) {
  int64_t n = Size(m.emb) + Size(m.head) + 2 * (Size(m.ln0.weight) + Size(m.ln_out.weight));
  for (const RwkvLayer& L : m.layers) {
    n += 2 * Size(L.ln1.weight) + 2 * Size(L.ln2.weight) + 2 * Size(L.ln_x.weight);
    n += Size(L.time_mix_k) + Size(L.time_mix_v) + Size(L.time_mix_r) + Size(L.time_mix_g);
    n += Size(L.time_decay) + Size(L.time_first) + Size(L.ffn_time_mix_k) + Size(L.ffn_time_mix_r);
    n += Size(L.att_key) + Size(L.att_value) + Size(L.att_receptance) + Size(L.att_output) + Size(L.att_gate);
    n += Size(L.ffn_key) + Size(L.ffn_value) + Size(L.ffn_receptance);
  }
  return n;
}

int64_t ParameterCount(const LlamaModel& m) {
  int64_t n = Size(m.token_embedding) + Size(m.rms_final) + (m.wcls ? Size(*m.wcls) : 0);
  for (const LlamaLayer& L : m.layers) {
    n += Size(L.rms_att) + Size(L.rms_ffn);
    for (LinearKind k : kAllLinearKinds) n += Size(L.linear(k));
  }
  return n;
}

LlamaModel SameSizeLlama(const RwkvModel& rwkv, int seq_len) {
  LlamaConfig c;
  c.dim = rwkv.n_embed;
  c.n_layers = rwkv.n_layer;
  c.n_heads = c.n_kv_heads = rwkv.head_count;
  c.vocab_size = rwkv.n_vocab;
  c.seq_len = seq_len;
  c.shared_classifier = false;  // RWKV has its own head
  // Per layer a Llama has 4 dim^2 + 3 dim hidden + 2 dim parameters.
  const int64_t target = ParameterCount(rwkv);
  const int64_t fixed = 2LL * c.vocab_size * c.dim + c.dim +
                        static_cast<int64_t>(c.n_layers) * (4LL * c.dim * c.dim + 2LL * c.dim);
  c.hidden_dim = std::max<int64_t>(1, std::llround(static_cast<double>(target - fixed) /
                                                   (3.0 * c.dim * c.n_layers)));
  LlamaModel m = AllocateLlamaModel(c, /*rope_table=*/false);
  std::mt19937 rng(20);
  Randomize(m.token_embedding, rng);
  if (m.wcls) Randomize(*m.wcls, rng);
  std::fill(m.rms_final.begin(), m.rms_final.end(), 1.0f);
  for (LlamaLayer& L : m.layers) {
    std::fill(L.rms_att.begin(), L.rms_att.end(), 1.0f);
    std::fill(L.rms_ffn.begin(), L.rms_ffn.end(), 1.0f);
    for (LinearKind k : kAllLinearKinds) Randomize(L.linear(k), rng);
  }
  return m;
}

SpeedComparison CompareForwardSpeed(const RwkvModel& rwkv, const LlamaModel& llama,
                                    const std::vector<std::vector<int>>& sequences, int runs) {
  SpeedComparison s;
  s.runs = runs;
  for (const auto& q : sequences) s.tokens += static_cast<int64_t>(q.size());
  s.rwkv_cpu_seconds = s.llama_cpu_seconds = std::numeric_limits<double>::infinity();
  volatile float sink = 0.0f;  // keeps the logits observable
  auto time = [&](auto&& run, double& best_cpu, double& wall_of_best) {
    const double cpu0 = CpuSeconds();
    const auto wall0 = std::chrono::steady_clock::now();
    for (const auto& q : sequences) sink = sink + run(q).data[0];
    const double cpu = CpuSeconds() - cpu0;
    if (cpu < best_cpu) {
      best_cpu = cpu;
      wall_of_best = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    }
  };
  for (int r = 0; r < runs; ++r) {
    time([&](const std::vector<int>& q) { return rwkv.SequenceLogits(q); }, s.rwkv_cpu_seconds,
         s.rwkv_wall_seconds);
    time([&](const std::vector<int>& q) { return ForwardLogits(llama, q); }, s.llama_cpu_seconds,
         s.llama_wall_seconds);
  }
  return s;
}

}  // namespace flexcim::pruner
