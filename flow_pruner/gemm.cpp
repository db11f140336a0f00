#include "flow_pruner/gemm.h"

#include <fmt/format.h>

#include <cstring>
#include <vector>

#include "core/errors.h"

namespace flexcim::pruner {

namespace {

// GCC/Clang generic vectors: lowered to SSE2 pairs or one AVX register.
typedef float v8f __attribute__((vector_size(32)));

// By reference: passing or returning 32-byte vectors by value would trip
// GCC's -Wpsabi note for the non-AVX clone.
inline void Load8(v8f& v, const float* p) { std::memcpy(&v, p, sizeof(v)); }
inline void Store8(float* p, const v8f& v) { std::memcpy(p, &v, sizeof(v)); }

// R rows x 16 columns of y; `cols` (<= 16) of them are stored. wt must hold
// 16 readable columns (the caller pads).
template <int R>
__attribute__((always_inline)) inline void Tile16(int in, const float* x, int ldx, const float* wt, int ldw, float* y, int ldy,
                   int cols) {
  v8f acc[R][2] = {};
  for (int k = 0; k < in; ++k) {
    v8f w0, w1;
    Load8(w0, wt + static_cast<size_t>(k) * ldw);
    Load8(w1, wt + static_cast<size_t>(k) * ldw + 8);
    for (int r = 0; r < R; ++r) {
      const float s = x[static_cast<size_t>(r) * ldx + k];
      acc[r][0] += s * w0;
      acc[r][1] += s * w1;
    }
  }
  for (int r = 0; r < R; ++r) {
    float* dst = y + static_cast<size_t>(r) * ldy;
    if (cols == 16) {
      Store8(dst, acc[r][0]);
      Store8(dst + 8, acc[r][1]);
    } else {
      float tmp[16];
      Store8(tmp, acc[r][0]);
      Store8(tmp + 8, acc[r][1]);
      std::memcpy(dst, tmp, sizeof(float) * cols);
    }
  }
}

__attribute__((target_clones("avx2", "default"))) void GemmPadded(
    int rows, int in, int out, const float* x, int ldx, const float* wt, int ldw, float* y,
    int ldy) {
  for (int n0 = 0; n0 < out; n0 += 16) {
    const int cols = out - n0 < 16 ? out - n0 : 16;
    int t = 0;
    for (; t + 4 <= rows; t += 4) {
      Tile16<4>(in, x + static_cast<size_t>(t) * ldx, ldx, wt + n0, ldw,
                y + static_cast<size_t>(t) * ldy + n0, ldy, cols);
    }
    for (; t < rows; ++t) {
      Tile16<1>(in, x + static_cast<size_t>(t) * ldx, ldx, wt + n0, ldw,
                y + static_cast<size_t>(t) * ldy + n0, ldy, cols);
    }
  }
}

}  // namespace

void GemmTransposedWeight(int rows, int in, int out, const float* x, int ldx, const float* wt,
                          int ldw, float* y, int ldy) {
  if (ldw % 16 == 0 && ldw >= out) {
    GemmPadded(rows, in, out, x, ldx, wt, ldw, y, ldy);
    return;
  }
  // Pad the weight columns to a multiple of 16 so every tile can load 16.
  const int padded = (out + 15) / 16 * 16;
  std::vector<float> buffer(static_cast<size_t>(in) * padded, 0.0f);
  for (int k = 0; k < in; ++k) {
    std::memcpy(buffer.data() + static_cast<size_t>(k) * padded, wt + static_cast<size_t>(k) * ldw,
                sizeof(float) * out);
  }
  GemmPadded(rows, in, out, x, ldx, buffer.data(), padded, y, ldy);
}

void LinearForward(const Matrix& x, const Matrix& w, Matrix& y) {
  if (x.cols != w.cols) {
    throw Error(fmt::format("linear layer: input has {} features but the weight is {}x{}", x.cols,
                            w.rows, w.cols));
  }
  if (y.rows != x.rows || y.cols != w.rows) y = Matrix(x.rows, w.rows);
  if (x.rows == 0 || w.rows == 0) return;
  // Transposed, padded weight [in][out_padded]: the kernel runs lanes over outputs.
  const int padded = (w.rows + 15) / 16 * 16;
  thread_local std::vector<float> wt;
  wt.assign(static_cast<size_t>(w.cols) * padded, 0.0f);
  for (int o = 0; o < w.rows; ++o) {
    const float* src = w.row(o);
    for (int k = 0; k < w.cols; ++k) wt[static_cast<size_t>(k) * padded + o] = src[k];
  }
  GemmPadded(x.rows, x.cols, w.rows, x.data.data(), x.cols, wt.data(), padded, y.data.data(),
             y.cols);
}

}  // namespace flexcim::pruner
