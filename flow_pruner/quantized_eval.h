// Quantised evaluation: perplexity of a (pruned) model as the macro computes
// it (FLEXCIM.md section 1: the macro itself is exact, so the W/A roundings
// are the only error). Every transformer-block linear layer:
//   1. weights: W-bit codes q_w per output channel, scale s_w
//      (quantize.h) rounded to float, as the pruned container stores it;
//   2. input: A-bit codes q_a per token, scale s_a (double);
//   3. acc[t][o] = sum_i q_a[t][i] * q_w[o][i], the exact integer dot
//      product (32-bit two's complement, like the macro's accumulator);
//   4. y[t][o] = float(acc[t][o] * s_a[t] * s_w[o]), in double.
// This is the fake-quantised layer (q_a s_a)(q_w s_w) summed exactly and
// rounded once. QuantizedLinearExecutor computes step 3 with the fp32 GEMM
// on the codes when that is exact (K * qmax_a * qmax_w < 2^24, true for W8A8
// on stories260K: every partial sum is an integer below 2^24) and with an
// int64 loop otherwise; MacroLinearExecutor (macro_linear_executor.h) runs
// step 3 on the macro's tiles. Same codes, same scales, same step 4: the two
// give bit-identical logits whenever the macro computes the layer exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flow_pruner/linear_executor.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/perplexity.h"
#include "flow_pruner/pruned_container.h"
#include "flow_pruner/quantize.h"

namespace flexcim::pruner {

struct QuantBits {
  int w_bits = 8;
  int a_bits = 8;
};

class QuantizedLinearExecutor : public LinearExecutor {
 public:
  // Codes and scales of every block linear layer of `model`.
  QuantizedLinearExecutor(const LlamaModel& model, const QuantBits& bits);
  // Codes and scales as a pruned container stores them (its W/A bits).
  // `names`: the linear layers of every block, in the order the model's
  // executor index counts them (without: a Llama's, by LinearIndex). Throws
  // Error naming the block and layer when the container lacks one, lists
  // one twice or names one the model does not have.
  explicit QuantizedLinearExecutor(const PrunedContainer& container);
  QuantizedLinearExecutor(const PrunedContainer& container, const std::vector<std::string>& names);

  void Run(int block, int index, const Matrix& input, const Matrix& weight,
           Matrix& y) const override;

  int blocks() const { return static_cast<int>(layers_.size()); }
  const std::vector<std::string>& names() const { return names_; }
  const QuantBits& bits() const { return bits_; }

 protected:
  // One copy of the codes is kept (memory: one int32/float per weight):
  // as floats when the fp32 GEMM on them is exact, as int32 otherwise.
  struct Layer {
    int rows = 0;
    int cols = 0;
    std::vector<int32_t> codes;  // rows x cols, 0 where pruned (int64 loop path)
    Matrix codes_f;              // the same codes as floats (exact GEMM path)
    std::vector<double> scales;  // s_w, float-rounded
  };
  const Layer& layer(int block, int index) const;
  // Step 3: tokens x rows accumulators for codes x (tokens x cols).
  virtual std::vector<int32_t> Accumulate(int block, int index, const QuantizedRows& x) const;

 private:
  bool FloatGemmIsExact(int cols) const;
  void KeepOneCodeCopy();  // drops the copy Accumulate does not use

  QuantBits bits_;
  std::vector<std::string> names_;          // of a block's linear layers, by index
  std::vector<std::vector<Layer>> layers_;  // [block][index]
};

// The model with every block linear layer's weights fake-quantised to
// w_bits (q_w * s_w as float, quantize.h), e.g. to write a quantised model.
LlamaModel FakeQuantizeLinearWeights(const LlamaModel& model, int w_bits);

// Perplexity with every block linear layer W/A quantised as above.
PerplexityResult EvaluateQuantized(const LlamaModel& model,
                                   const std::vector<std::vector<int>>& sequences,
                                   const QuantBits& bits, PerplexityOptions options);

}  // namespace flexcim::pruner
