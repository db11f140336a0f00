// Forward speed of a recurrent model against a transformer of the same size
// (`flexcim bench --only recurrent`): the RWKV v5.2 model of rwkv.cpp's
// tests and a Llama with random weights of the same width, depth, vocabulary
// and (nearly) parameter count, on the same byte sequences, one thread each,
// alternating runs so machine load hits both alike.
#pragma once

#include <cstdint>
#include <vector>

#include "flow_pruner/llama_model.h"
#include "flow_pruner/rwkv_model.h"

namespace flexcim::pruner {

// A Llama as wide and deep as `rwkv` (dim n_embed, n_layer blocks, vocab
// n_vocab, heads of rwkv's head size) with the FFN width that brings its
// parameter count closest to rwkv's; random weights (seeded), seq_len
// `seq_len`.
LlamaModel SameSizeLlama(const RwkvModel& rwkv, int seq_len);

int64_t ParameterCount(const RwkvModel& m);
int64_t ParameterCount(const LlamaModel& m);

struct SpeedComparison {
  int64_t tokens = 0;             // per run, over all sequences
  int runs = 0;                   // of each model
  double rwkv_cpu_seconds = 0.0;  // best run (process CPU time, one thread)
  double llama_cpu_seconds = 0.0;
  double rwkv_wall_seconds = 0.0;  // the same runs' wall time
  double llama_wall_seconds = 0.0;
  double rwkv_tokens_per_cpu_second() const { return tokens / rwkv_cpu_seconds; }
  double llama_tokens_per_cpu_second() const { return tokens / llama_cpu_seconds; }
};

// Logits of every sequence, RWKV then Llama, `runs` times; the best CPU time
// of each. Every sequence scores from an empty state / empty cache.
SpeedComparison CompareForwardSpeed(const RwkvModel& rwkv, const LlamaModel& llama,
                                    const std::vector<std::vector<int>>& sequences, int runs);

}  // namespace flexcim::pruner
