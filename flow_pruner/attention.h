// Causal grouped-query self-attention of the fp32 forward pass (llama2.c
// semantics): for query head h (KV head h / kv_mul) and position t,
// softmax over s <= t of q_t . k_s / sqrt(head_size), then the weighted sum
// of v_s. Every sum runs in index order with separate multiply and add, so
// the SSE2 and AVX2 clones give bit-identical results.
#pragma once

#include "flow_pruner/llama_model.h"
#include "flow_pruner/matrix.h"

namespace flexcim::pruner {

// q (T x dim) and k, v (T x kv_dim), RoPE already applied; out (T x dim).
void CausalAttention(const LlamaConfig& config, const Matrix& q, const Matrix& k, const Matrix& v,
                     Matrix& out);

}  // namespace flexcim::pruner
