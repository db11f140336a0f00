// Symmetric integer quantisation matching the macro's A/W bit widths:
// weights per output channel (row of [out][in]) with W bits, activations per
// token (row of [tokens][features]) with A bits. For a row with absmax a:
//   scale = a / (2^(bits-1) - 1)      (a == 0: scale = 1, every q = 0)
//   q     = clamp(round_half_away_from_zero(x / scale), -qmax, qmax)
// with qmax = 2^(bits-1) - 1 (the most negative code is never used), and
// the fake-quantised value is q * scale. Arithmetic in double; fake-quant
// values are stored as float. See docs/FLOW.md.
#pragma once

#include <cstdint>
#include <vector>

#include "flow_pruner/matrix.h"

namespace flexcim::pruner {

struct QuantizedRows {
  int rows = 0;
  int cols = 0;
  int bits = 0;
  std::vector<int32_t> q;      // rows*cols codes in [-qmax, qmax], row-major
  std::vector<double> scale;   // one per row, > 0
};

// 2^(bits-1) - 1 for bits in [2, 16]; throws UsageError otherwise.
int QuantMax(int bits);

// Rounds half away from zero (2.5 -> 3, -2.5 -> -3). Throws Error when x
// is not finite or out of the int64 range.
int64_t RoundHalfAwayFromZero(double x);

// Per-row symmetric quantisation. Throws UsageError on bad bits or a
// malformed matrix, Error on a non-finite value (naming row and column).
QuantizedRows QuantizeRows(const Matrix& m, int bits);
Matrix Dequantize(const QuantizedRows& q);

// Weights [out][in], per output channel, W bits.
QuantizedRows QuantizeWeights(const Matrix& weight, int w_bits);
Matrix FakeQuantizeWeights(const Matrix& weight, int w_bits);

// Activations [tokens][features], per token, A bits.
QuantizedRows QuantizeActivations(const Matrix& acts, int a_bits);
Matrix FakeQuantizeActivations(const Matrix& acts, int a_bits);

}  // namespace flexcim::pruner
