// Linear-layer matrix products for the fp32 forward pass, batched over
// tokens: Y (tokens x out) = X (tokens x in) * W^T with W stored like
// nn.Linear.weight, [out][in].
//
// Every output element is summed over `in` in index order starting from 0.0f
// with separate multiply and add, exactly as the naive loop
//   y[t][o] = 0; for j: y[t][o] += x[t][j] * w[o][j];
// so the result is bit-identical for every instruction set (generic SSE2,
// AVX2, AVX-512 kernels), every tiling and every thread count: vector lanes
// run over tokens (or outputs), never over the summed index.
//
// The kernel reads W in place (no transposed copy): a register tile of MR
// outputs x NV vectors of tokens accumulates over `in`, W's MR rows
// broadcast one element at a time, X transposed once per call to
// [in][tokens] so each step loads NV contiguous vectors of tokens.
#pragma once

#include <string_view>
#include <vector>

#include "flow_pruner/matrix.h"

namespace flexcim::pruner {

// y = x * w^T. Resizes y to x.rows x w.rows. Throws Error when x.cols != w.cols.
void LinearForward(const Matrix& x, const Matrix& w, Matrix& y);

// The instruction sets the kernel is compiled for. LinearForward uses the
// widest one this CPU runs; all give bit-identical results.
enum class GemmIsa { kGeneric, kAvx2, kAvx512 };
std::string_view GemmIsaName(GemmIsa isa);
std::vector<GemmIsa> SupportedGemmIsas();  // on this CPU, narrowest first
GemmIsa BestGemmIsa();

// LinearForward with a given kernel (tests, bench). Throws Error for an ISA
// this CPU does not run.
void LinearForward(const Matrix& x, const Matrix& w, Matrix& y, GemmIsa isa);

}  // namespace flexcim::pruner
