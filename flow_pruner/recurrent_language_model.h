// RecurrentLanguageModel: a language model whose only context is a fixed-size
// state carried from token to token (RWKV, Mamba), as opposed to LlamaModel's
// key/value cache. `flexcim eval` scores such a model with the same protocol
// as a Llama (each block from an empty state, the mean next-token NLL over
// all predictions) through EvaluateRecurrentPerplexity.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "flow_pruner/matrix.h"
#include "flow_pruner/perplexity.h"

namespace flexcim::pruner {

class RecurrentLanguageModel {
 public:
  virtual ~RecurrentLanguageModel() = default;
  virtual int vocab_size() const = 0;
  // "RWKV v5.2 (rwkv.cpp FP32)", "Hugging Face MambaForCausalLM (BF16)", ...
  virtual std::string Describe() const = 0;
  // Logits (tokens x vocab) of every position of `tokens`, from an empty
  // state. Throws Error for a token outside the vocabulary.
  virtual Matrix SequenceLogits(std::span<const int> tokens) const = 0;
  // True when the token ids are the bytes of the text (RWKV's tiny models).
  virtual bool byte_vocabulary() const { return false; }
};

// Perplexity of `model` over `sequences` (each scored from an empty state;
// a sequence of L tokens gives L - 1 predictions). Sequences run in parallel,
// sums are added in sequence order: the result does not depend on threads.
PerplexityResult EvaluateRecurrentPerplexity(const RecurrentLanguageModel& model,
                                             const std::vector<std::vector<int>>& sequences,
                                             const PerplexityOptions& options = {});

// The bytes of each text block as token ids 0..255 (byte-vocabulary models).
std::vector<std::vector<int>> BlocksAsBytes(const std::vector<std::string>& blocks);

}  // namespace flexcim::pruner
