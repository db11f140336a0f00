#include "flow_pruner/gemm.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "core/errors.h"

namespace flexcim::pruner {

namespace {

// GCC/Clang generic vectors, lowered to the instruction set of the function
// they are inlined into (this file is compiled with -ffp-contract=off: a
// multiply and an add stay two roundings, as in the naive loop).
typedef float v4f __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));
typedef float v16f __attribute__((vector_size(64)));

struct GemmArgs {
  int rows;  // tokens
  int in;
  int out;
  const float* x;  // rows x in
  const float* w;  // out x in
  float* y;        // rows x out
};

template <typename V>
constexpr int kLanes = static_cast<int>(sizeof(V) / sizeof(float));

// acc[r][v] (lanes = tokens t0 + v*L + lane) = sum_k w[r][k] * xt[k][token],
// k ascending from 0; stored to out[r * NV*L + v*L + lane].
template <typename V, int MR, int NV>
[[gnu::always_inline]] inline void Tile(int in, const float* w, int ldw, const float* xt, int tp,
                                        float* out) {
  constexpr int L = kLanes<V>;
  V acc[MR][NV] = {};
  for (int k = 0; k < in; ++k) {
    V xv[NV];
    for (int v = 0; v < NV; ++v) std::memcpy(&xv[v], xt + static_cast<size_t>(k) * tp + v * L, sizeof(V));
    for (int r = 0; r < MR; ++r) {
      const float s = w[static_cast<size_t>(r) * ldw + k];
      for (int v = 0; v < NV; ++v) acc[r][v] += s * xv[v];
    }
  }
  for (int r = 0; r < MR; ++r) {
    for (int v = 0; v < NV; ++v) std::memcpy(out + (r * NV + v) * L, &acc[r][v], sizeof(V));
  }
}

// Every output for the `tokens` (<= NV*L) tokens starting at t0, MR outputs
// at a time (then one at a time for the remainder).
template <typename V, int MR, int NV>
[[gnu::always_inline]] inline void TokenTile(const GemmArgs& a, const float* xt, int tp, int t0,
                                             int tokens) {
  constexpr int L = kLanes<V>;
  constexpr int W = NV * L;
  alignas(64) float tile[MR * W];
  const auto scatter = [&](int o, int mr) {
    for (int t = 0; t < tokens; ++t) {
      float* dst = a.y + static_cast<size_t>(t0 + t) * a.out + o;
      for (int r = 0; r < mr; ++r) dst[r] = tile[r * W + t];
    }
  };
  int o = 0;
  for (; o + MR <= a.out; o += MR) {
    Tile<V, MR, NV>(a.in, a.w + static_cast<size_t>(o) * a.in, a.in, xt + t0, tp, tile);
    scatter(o, MR);
  }
  for (; o < a.out; ++o) {
    Tile<V, 1, NV>(a.in, a.w + static_cast<size_t>(o) * a.in, a.in, xt + t0, tp, tile);
    scatter(o, 1);
  }
}

// kAcc = accumulator registers per tile: MR = kAcc / NV outputs for NV
// vectors of tokens (NV = 4, 2 or 1 by how many tokens are left).
template <typename V, int kAcc>
[[gnu::always_inline]] inline void Gemm(const GemmArgs& a) {
  constexpr int L = kLanes<V>;
  const int tp = (a.rows + L - 1) / L * L;
  thread_local std::vector<float> xt_buffer;
  xt_buffer.resize(static_cast<size_t>(a.in) * tp + 16);
  // 64-byte aligned start for the vector loads.
  float* xt = xt_buffer.data();
  while (reinterpret_cast<uintptr_t>(xt) % 64 != 0) ++xt;
  for (int k = 0; k < a.in; ++k) {
    float* dst = xt + static_cast<size_t>(k) * tp;
    for (int t = 0; t < a.rows; ++t) dst[t] = a.x[static_cast<size_t>(t) * a.in + k];
    for (int t = a.rows; t < tp; ++t) dst[t] = 0.0f;
  }
  for (int t0 = 0; t0 < a.rows;) {
    const int left = a.rows - t0;
    if (left > 2 * L) {
      const int n = std::min(left, 4 * L);
      TokenTile<V, kAcc / 4, 4>(a, xt, tp, t0, n);
      t0 += n;
    } else if (left > L) {
      TokenTile<V, kAcc / 2, 2>(a, xt, tp, t0, left);
      t0 += left;
    } else {
      TokenTile<V, kAcc, 1>(a, xt, tp, t0, left);
      t0 += left;
    }
  }
}

__attribute__((target("avx512f"))) void GemmAvx512(const GemmArgs& a) { Gemm<v16f, 16>(a); }
__attribute__((target("avx2"))) void GemmAvx2(const GemmArgs& a) { Gemm<v8f, 8>(a); }
void GemmGeneric(const GemmArgs& a) { Gemm<v4f, 8>(a); }

bool CpuRuns(GemmIsa isa) {
  static const bool avx2 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  static const bool avx512 = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
  }();
  switch (isa) {
    case GemmIsa::kGeneric: return true;
    case GemmIsa::kAvx2: return avx2;
    case GemmIsa::kAvx512: return avx512;
  }
  return false;
}

}  // namespace

std::string_view GemmIsaName(GemmIsa isa) {
  switch (isa) {
    case GemmIsa::kGeneric: return "generic";
    case GemmIsa::kAvx2: return "avx2";
    case GemmIsa::kAvx512: return "avx512";
  }
  return "?";
}

std::vector<GemmIsa> SupportedGemmIsas() {
  std::vector<GemmIsa> isas;
  for (GemmIsa isa : {GemmIsa::kGeneric, GemmIsa::kAvx2, GemmIsa::kAvx512}) {
    if (CpuRuns(isa)) isas.push_back(isa);
  }
  return isas;
}

GemmIsa BestGemmIsa() {
  static const GemmIsa best = SupportedGemmIsas().back();
  return best;
}

void LinearForward(const Matrix& x, const Matrix& w, Matrix& y, GemmIsa isa) {
  if (x.cols != w.cols) {
    throw Error(fmt::format("linear layer: input has {} features but the weight is {}x{}", x.cols,
                            w.rows, w.cols));
  }
  if (!CpuRuns(isa)) {
    throw Error(fmt::format("linear layer: this CPU does not run the {} kernel", GemmIsaName(isa)));
  }
  // Every element is written below: reshape y in place (no fresh zeroed
  // allocation when a reused y is large enough).
  y.rows = x.rows;
  y.cols = w.rows;
  y.data.resize(static_cast<size_t>(x.rows) * w.rows);
  if (x.rows == 0 || w.rows == 0) return;
  if (x.cols == 0) {
    std::fill(y.data.begin(), y.data.end(), 0.0f);
    return;
  }
  const GemmArgs a{x.rows, x.cols, w.rows, x.data.data(), w.data.data(), y.data.data()};
  switch (isa) {
    case GemmIsa::kAvx512: GemmAvx512(a); break;
    case GemmIsa::kAvx2: GemmAvx2(a); break;
    case GemmIsa::kGeneric: GemmGeneric(a); break;
  }
}

void LinearForward(const Matrix& x, const Matrix& w, Matrix& y) {
  LinearForward(x, w, y, BestGemmIsa());
}

}  // namespace flexcim::pruner
