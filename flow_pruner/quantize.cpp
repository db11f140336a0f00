#include "flow_pruner/quantize.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/errors.h"

namespace flexcim::pruner {

int QuantMax(int bits) {
  if (bits < 2 || bits > 16) {
    throw UsageError(fmt::format("quantisation bits {}: must be in [2, 16]", bits));
  }
  return (1 << (bits - 1)) - 1;
}

int64_t RoundHalfAwayFromZero(double x) {
  // std::round rounds halfway cases away from zero.
  if (!std::isfinite(x) || std::fabs(x) >= 9.2e18) {
    throw Error(fmt::format("RoundHalfAwayFromZero: {} is not a finite int64 value", x));
  }
  return static_cast<int64_t>(std::round(x));
}

QuantizedRows QuantizeRows(const Matrix& m, int bits) {
  const int qmax = QuantMax(bits);
  if (m.rows < 0 || m.cols < 0 || m.data.size() != static_cast<size_t>(m.rows) * m.cols) {
    throw UsageError(
        fmt::format("QuantizeRows: {} values for a {}x{} matrix", m.data.size(), m.rows, m.cols));
  }
  QuantizedRows out;
  out.rows = m.rows;
  out.cols = m.cols;
  out.bits = bits;
  out.q.resize(m.data.size());
  out.scale.resize(m.rows);
  for (int r = 0; r < m.rows; ++r) {
    const float* x = m.row(r);
    double absmax = 0;
    for (int c = 0; c < m.cols; ++c) {
      if (!std::isfinite(x[c])) {
        throw Error(fmt::format("QuantizeRows: value[{}][{}] = {} is not finite", r, c, x[c]));
      }
      absmax = std::max(absmax, std::fabs(static_cast<double>(x[c])));
    }
    const double scale = absmax > 0 ? absmax / qmax : 1.0;
    out.scale[r] = scale;
    int32_t* q = out.q.data() + static_cast<size_t>(r) * m.cols;
    for (int c = 0; c < m.cols; ++c) {
      const int64_t v = RoundHalfAwayFromZero(static_cast<double>(x[c]) / scale);
      q[c] = static_cast<int32_t>(std::clamp<int64_t>(v, -qmax, qmax));
    }
  }
  return out;
}

Matrix Dequantize(const QuantizedRows& q) {
  if (q.rows < 0 || q.cols < 0 || q.q.size() != static_cast<size_t>(q.rows) * q.cols ||
      q.scale.size() != static_cast<size_t>(q.rows)) {
    throw UsageError(fmt::format("Dequantize: {} codes and {} scales for a {}x{} matrix",
                                 q.q.size(), q.scale.size(), q.rows, q.cols));
  }
  Matrix out(q.rows, q.cols);
  for (int r = 0; r < q.rows; ++r) {
    for (int c = 0; c < q.cols; ++c) {
      out.at(r, c) = static_cast<float>(q.q[static_cast<size_t>(r) * q.cols + c] * q.scale[r]);
    }
  }
  return out;
}

QuantizedRows QuantizeWeights(const Matrix& weight, int w_bits) {
  return QuantizeRows(weight, w_bits);
}

Matrix FakeQuantizeWeights(const Matrix& weight, int w_bits) {
  return Dequantize(QuantizeRows(weight, w_bits));
}

QuantizedRows QuantizeActivations(const Matrix& acts, int a_bits) {
  return QuantizeRows(acts, a_bits);
}

Matrix FakeQuantizeActivations(const Matrix& acts, int a_bits) {
  return Dequantize(QuantizeRows(acts, a_bits));
}

}  // namespace flexcim::pruner
