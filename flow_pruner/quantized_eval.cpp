#include "flow_pruner/quantized_eval.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <optional>

#include "core/errors.h"
#include "flow_pruner/gemm.h"

namespace flexcim::pruner {

namespace {

std::vector<std::string> LlamaLinearNames() {
  std::vector<std::string> names;
  for (LinearKind k : kAllLinearKinds) names.emplace_back(LinearName(k));
  return names;
}

}  // namespace

QuantizedLinearExecutor::QuantizedLinearExecutor(const LlamaModel& model, const QuantBits& bits)
    : bits_(bits), names_(LlamaLinearNames()) {
  QuantMax(bits.w_bits);
  QuantMax(bits.a_bits);
  for (const LlamaLayer& l : model.layers) {
    std::vector<Layer> block;
    for (LinearKind k : kAllLinearKinds) {
      const QuantizedRows q = QuantizeWeights(l.linear(k), bits.w_bits);
      Layer layer{q.rows, q.cols, q.q, {}, {}};
      for (double s : q.scale) layer.scales.push_back(static_cast<float>(s));
      block.push_back(std::move(layer));
    }
    layers_.push_back(std::move(block));
  }
  for (auto& block : layers_) {
    for (Layer& l : block) {
      l.codes_f = Matrix(l.rows, l.cols);
      for (size_t i = 0; i < l.codes.size(); ++i) l.codes_f.data[i] = static_cast<float>(l.codes[i]);
    }
  }
  KeepOneCodeCopy();
}

QuantizedLinearExecutor::QuantizedLinearExecutor(const PrunedContainer& c)
    : QuantizedLinearExecutor(c, LlamaLinearNames()) {}

QuantizedLinearExecutor::QuantizedLinearExecutor(const PrunedContainer& c,
                                                 const std::vector<std::string>& names)
    : bits_{c.w_bits, c.a_bits}, names_(names) {
  QuantMax(c.w_bits);
  QuantMax(c.a_bits);
  const int per_block = static_cast<int>(names_.size());
  auto index_of = [&](const std::string& name) {
    for (int i = 0; i < per_block; ++i) {
      if (names_[i] == name) return i;
    }
    throw Error(fmt::format("pruned container: unknown layer name '{}' (this model's block has {})",
                            name, fmt::join(names_, ", ")));
  };
  int blocks = 0;
  for (const PrunedLayer& l : c.layers) blocks = std::max(blocks, l.block + 1);
  std::vector<std::vector<std::optional<Layer>>> found(
      blocks, std::vector<std::optional<Layer>>(per_block));
  for (const PrunedLayer& l : c.layers) {
    auto& slot = found[l.block][index_of(l.name)];
    if (slot) throw Error(fmt::format("pruned container: layer {}.{} listed twice", l.block, l.name));
    Layer layer{l.rows, l.cols, std::vector<int32_t>(l.weights.begin(), l.weights.end()),
                Matrix(l.rows, l.cols), std::vector<double>(l.scales.begin(), l.scales.end())};
    for (size_t i = 0; i < layer.codes.size(); ++i) {
      if (!l.mask[i]) layer.codes[i] = 0;
      layer.codes_f.data[i] = static_cast<float>(layer.codes[i]);
    }
    slot = std::move(layer);
  }
  for (int b = 0; b < blocks; ++b) {
    std::vector<Layer> block;
    for (int k = 0; k < per_block; ++k) {
      auto& slot = found[b][k];
      if (!slot) throw Error(fmt::format("pruned container: block {} has no layer {}", b, names_[k]));
      block.push_back(std::move(*slot));
    }
    layers_.push_back(std::move(block));
  }
  KeepOneCodeCopy();
}

const QuantizedLinearExecutor::Layer& QuantizedLinearExecutor::layer(int block, int index) const {
  if (block < 0 || block >= blocks()) {
    throw Error(fmt::format("quantised layer: block {} outside [0, {})", block, blocks()));
  }
  if (index < 0 || index >= static_cast<int>(names_.size())) {
    throw Error(fmt::format("quantised layer: block {} has no linear layer {}", block, index));
  }
  return layers_[block][index];
}

bool QuantizedLinearExecutor::FloatGemmIsExact(int cols) const {
  // Every product and partial sum is an integer below 2^24.
  return static_cast<double>(cols) * QuantMax(bits_.a_bits) * QuantMax(bits_.w_bits) < 16777216.0;
}

void QuantizedLinearExecutor::KeepOneCodeCopy() {
  for (auto& block : layers_) {
    for (Layer& l : block) {
      if (FloatGemmIsExact(l.cols)) {
        std::vector<int32_t>().swap(l.codes);
      } else {
        l.codes_f = Matrix();
      }
    }
  }
}

std::vector<int32_t> QuantizedLinearExecutor::Accumulate(int block, int index,
                                                         const QuantizedRows& x) const {
  const Layer& l = layer(block, index);
  std::vector<int32_t> acc(static_cast<size_t>(x.rows) * l.rows);
  if (FloatGemmIsExact(l.cols)) {
    // fp32 is exact here (FloatGemmIsExact).
    Matrix xf(x.rows, x.cols), y;
    for (size_t i = 0; i < x.q.size(); ++i) xf.data[i] = static_cast<float>(x.q[i]);
    LinearForward(xf, l.codes_f, y);
    for (size_t i = 0; i < acc.size(); ++i) acc[i] = static_cast<int32_t>(y.data[i]);
    return acc;
  }
  for (int t = 0; t < x.rows; ++t) {
    const int32_t* xt = x.q.data() + static_cast<size_t>(t) * x.cols;
    for (int o = 0; o < l.rows; ++o) {
      const int32_t* w = l.codes.data() + static_cast<size_t>(o) * l.cols;
      uint32_t sum = 0;  // 32-bit two's complement, wrapping like the macro's accumulator
      for (int i = 0; i < l.cols; ++i) sum += static_cast<uint32_t>(static_cast<int64_t>(w[i]) * xt[i]);
      acc[static_cast<size_t>(t) * l.rows + o] = static_cast<int32_t>(sum);
    }
  }
  return acc;
}

void QuantizedLinearExecutor::Run(int block, int index, const Matrix& input,
                                  const Matrix& weight, Matrix& y) const {
  const Layer& l = layer(block, index);
  if (input.cols != l.cols || weight.rows != l.rows || weight.cols != l.cols) {
    throw Error(fmt::format("quantised layer {}.{}: codes are {}x{}, the model's weight is {}x{} "
                            "with {} inputs",
                            block, names_[index], l.rows, l.cols, weight.rows, weight.cols,
                            input.cols));
  }
  const QuantizedRows qa = QuantizeActivations(input, bits_.a_bits);
  const std::vector<int32_t> acc = Accumulate(block, index, qa);
  if (acc.size() != static_cast<size_t>(input.rows) * l.rows) {
    throw Error(fmt::format("quantised layer {}.{}: {} accumulators, expected {} tokens x {} outputs",
                            block, names_[index], acc.size(), input.rows, l.rows));
  }
  if (y.rows != input.rows || y.cols != l.rows) y = Matrix(input.rows, l.rows);
  for (int t = 0; t < input.rows; ++t) {
    const int32_t* a = acc.data() + static_cast<size_t>(t) * l.rows;
    float* out = y.row(t);
    for (int o = 0; o < l.rows; ++o) {
      out[o] = static_cast<float>(static_cast<double>(a[o]) * qa.scale[t] * l.scales[o]);
    }
  }
}

LlamaModel FakeQuantizeLinearWeights(const LlamaModel& model, int w_bits) {
  LlamaModel q = model;
  for (LlamaLayer& layer : q.layers) {
    for (LinearKind k : kAllLinearKinds) layer.linear(k) = FakeQuantizeWeights(layer.linear(k), w_bits);
  }
  return q;
}

PerplexityResult EvaluateQuantized(const LlamaModel& model,
                                   const std::vector<std::vector<int>>& sequences,
                                   const QuantBits& bits, PerplexityOptions options) {
  const QuantizedLinearExecutor executor(model, bits);
  options.hooks.executor = &executor;
  return EvaluatePerplexity(model, sequences, options);
}

}  // namespace flexcim::pruner
