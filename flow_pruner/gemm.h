// Linear-layer matrix products for the fp32 forward pass, batched over
// tokens: Y (tokens x out) = X (tokens x in) * W^T with W stored like
// nn.Linear.weight, [out][in].
//
// Every output element is summed over `in` in index order starting from 0.0f
// with separate multiply and add, exactly as the naive loop
//   y[t][o] = 0; for j: y[t][o] += x[t][j] * w[o][j];
// so the result is bit-identical on every x86-64 (SSE2 / AVX2 clones) and
// for every tiling; vector lanes run over output columns only.
#pragma once

#include "flow_pruner/matrix.h"

namespace flexcim::pruner {

// y = x * w^T. Resizes y to x.rows x w.rows. Throws Error when x.cols != w.cols.
void LinearForward(const Matrix& x, const Matrix& w, Matrix& y);

// Low-level form: y[t][n] (leading dimension ldy) = sum_k x[t][k] * wt[k][n],
// wt being the transposed weight [in][out] with leading dimension ldw.
void GemmTransposedWeight(int rows, int in, int out, const float* x, int ldx, const float* wt,
                          int ldw, float* y, int ldy);

}  // namespace flexcim::pruner
