// RecurrentLanguageModel: a language model whose only context is a fixed-size
// state carried from token to token (RWKV, Mamba), as opposed to LlamaModel's
// key/value cache. `flexcim eval` scores such a model with the same protocol
// as a Llama (each block from an empty state, the mean next-token NLL over
// all predictions) through EvaluateRecurrentPerplexity.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "flow_pruner/block_linear_model.h"
#include "flow_pruner/matrix.h"
#include "flow_pruner/perplexity.h"

namespace flexcim::pruner {

// Its blocks' linear layers go through BlockLinearModel, so the pruning flow,
// the quantised and the on-macro evaluation run on it.
class RecurrentLanguageModel : public BlockLinearModel {
 public:
  virtual ~RecurrentLanguageModel() = default;
  virtual int vocab_size() const = 0;
  // "RWKV v5.2 (rwkv.cpp FP32)", "Hugging Face MambaForCausalLM (BF16)", ...
  virtual std::string Describe() const = 0;
  // Logits (tokens x vocab) of every position of `tokens`, from an empty
  // state (BlockModelLogits with the fp32 GEMM). Throws Error for a token
  // outside the vocabulary.
  Matrix SequenceLogits(std::span<const int> tokens) const { return BlockModelLogits(*this, tokens); }
  // True when the token ids are the bytes of the text (RWKV's tiny models).
  virtual bool byte_vocabulary() const { return false; }
};

// Perplexity of `model` over `sequences` (each scored from an empty state;
// a sequence of L tokens gives L - 1 predictions), its linear layers in fp32
// or through `executor`. Sequences run in parallel, sums are added in
// sequence order: the result does not depend on threads.
PerplexityResult EvaluateRecurrentPerplexity(const RecurrentLanguageModel& model,
                                             const std::vector<std::vector<int>>& sequences,
                                             const PerplexityOptions& options = {},
                                             const LinearExecutor* executor = nullptr);

// The bytes of each text block as token ids 0..255 (byte-vocabulary models).
std::vector<std::vector<int>> BlocksAsBytes(const std::vector<std::string>& blocks);

}  // namespace flexcim::pruner
