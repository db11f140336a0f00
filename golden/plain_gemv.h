// PlainGemv: the bench comparison for FastModel, a plain int8 matrix-vector
// product with the same multiply-accumulate count as one macro step
// (P*R*C). It has the shape of the dense DCiM baseline of FLEXCIM.md
// section 6: P*R inputs (rows) by C outputs (columns),
// y[c] = sum over i < P*R of w[c][i] * x[i], accumulated in int32 (exact:
// |w*x| <= 2^14 and P*R <= 4096 keep every sum far inside int32).
#pragma once

#include <cstdint>
#include <vector>

#include "core/macro_config.h"

namespace flexcim::golden {

class PlainGemv {
 public:
  // `weights` is outputs x inputs, row-major (w[c][i] at c*inputs + i).
  // Throws flexcim::Error when the size does not match.
  PlainGemv(int outputs, int inputs, std::vector<int8_t> weights);
  // The dense-baseline shape of `config`: C outputs, P*R inputs.
  static PlainGemv ForMacro(const MacroConfig& config, std::vector<int8_t> weights);

  int outputs() const { return outputs_; }
  int inputs() const { return inputs_; }
  int64_t macs_per_vector() const { return static_cast<int64_t>(outputs_) * inputs_; }

  // x: `inputs` values; y: `outputs` values.
  void Compute(const int8_t* x, int32_t* y) const;
  // `count` vectors, x[v*inputs + i], y[v*outputs + c].
  void ComputeBatch(const int8_t* x, int count, int32_t* y) const;

 private:
  int outputs_, inputs_;
  std::vector<int8_t> weights_;
};

}  // namespace flexcim::golden
