#include "flow_pruner/attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace flexcim::pruner {

namespace {

typedef float v8f __attribute__((vector_size(32)));

inline void Load8(v8f& v, const float* p) { std::memcpy(&v, p, sizeof(v)); }
inline void Store8(float* p, const v8f& v) { std::memcpy(p, &v, sizeof(v)); }

struct Shape {
  int T, dim, kv_dim, n_heads, kv_mul, head_size;
};

// kt: keys transposed and padded, [kv_dim][Tp]; scores: Tp floats.
__attribute__((target_clones("avx2", "default"))) void AttentionKernel(
    const Shape& sh, const float* q, const float* kt, int Tp, const float* v, float* out,
    float* scores) {
  const int hs = sh.head_size;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
  for (int h = 0; h < sh.n_heads; ++h) {
    const int kvh = h / sh.kv_mul;
    const float* kh = kt + static_cast<size_t>(kvh) * hs * Tp;
    for (int t = 0; t < sh.T; ++t) {
      const float* qh = q + static_cast<size_t>(t) * sh.dim + h * hs;
      const int n = t + 1;
      // scores[s] = sum_i q[i] * k[s][i], i ascending, 8 positions at a time.
      for (int s0 = 0; s0 < n; s0 += 8) {
        v8f acc = {};
        for (int i = 0; i < hs; ++i) {
          v8f kv;
          Load8(kv, kh + static_cast<size_t>(i) * Tp + s0);
          acc += qh[i] * kv;
        }
        Store8(scores + s0, acc);
      }
      float max_score = -INFINITY;
      for (int s = 0; s < n; ++s) {
        scores[s] *= scale;
        max_score = std::max(max_score, scores[s]);
      }
      float sum = 0.0f;
      for (int s = 0; s < n; ++s) {
        scores[s] = expf(scores[s] - max_score);
        sum += scores[s];
      }
      const float inv = 1.0f / sum;
      for (int s = 0; s < n; ++s) scores[s] *= inv;
      float* o = out + static_cast<size_t>(t) * sh.dim + h * hs;
      const float* vh = v + kvh * hs;
      int i0 = 0;
      for (; i0 + 8 <= hs; i0 += 8) {
        v8f acc = {};
        for (int s = 0; s < n; ++s) {
          v8f vv;
          Load8(vv, vh + static_cast<size_t>(s) * sh.kv_dim + i0);
          acc += scores[s] * vv;
        }
        Store8(o + i0, acc);
      }
      for (int i = i0; i < hs; ++i) {
        float acc = 0.0f;
        for (int s = 0; s < n; ++s) acc += scores[s] * vh[static_cast<size_t>(s) * sh.kv_dim + i];
        o[i] = acc;
      }
    }
  }
}

}  // namespace

void CausalAttention(const LlamaConfig& c, const Matrix& q, const Matrix& k, const Matrix& v,
                     Matrix& out) {
  const int T = q.rows;
  if (out.rows != T || out.cols != c.dim) out = Matrix(T, c.dim);
  const int Tp = (T + 7) / 8 * 8;
  thread_local std::vector<float> kt;
  thread_local std::vector<float> scores;
  kt.assign(static_cast<size_t>(c.kv_dim()) * Tp, 0.0f);
  scores.assign(Tp, 0.0f);
  for (int s = 0; s < T; ++s) {
    const float* krow = k.row(s);
    for (int j = 0; j < c.kv_dim(); ++j) kt[static_cast<size_t>(j) * Tp + s] = krow[j];
  }
  const Shape sh{T, c.dim, c.kv_dim(), c.n_heads, c.kv_mul(), c.head_size()};
  AttentionKernel(sh, q.data.data(), kt.data(), Tp, v.data.data(), out.data.data(), scores.data());
}

}  // namespace flexcim::pruner
