#include "flow_pruner/text_encoder.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "flow_pruner/bpe_tokenizer.h"
#include "flow_pruner/sentencepiece_encoder.h"
#include "flow_pruner/tokenizer.h"

namespace flexcim::pruner {

namespace {

class Llama2cEncoder final : public TextEncoder {
 public:
  explicit Llama2cEncoder(Tokenizer tokenizer) : tokenizer_(std::move(tokenizer)) {}
  std::vector<int> EncodeBlock(std::string_view text) const override {
    return tokenizer_.Encode(text, /*bos=*/true, /*eos=*/false);
  }
  int vocab_size() const override { return tokenizer_.vocab_size(); }

 private:
  Tokenizer tokenizer_;
};

// tokenizer.json: the ids exactly as the file's pipeline gives them (its
// post-processor decides about BOS; no dummy prefix).
class BpeEncoder final : public TextEncoder {
 public:
  explicit BpeEncoder(BpeTokenizer tokenizer) : tokenizer_(std::move(tokenizer)) {}
  std::vector<int> EncodeBlock(std::string_view text) const override { return tokenizer_.Encode(text); }
  int vocab_size() const override { return tokenizer_.vocab_size(); }

 private:
  BpeTokenizer tokenizer_;
};

}  // namespace

std::unique_ptr<TextEncoder> LoadTextEncoder(const std::string& path, int model_vocab_size) {
  if (path.size() >= 6 && path.compare(path.size() - 6, 6, ".model") == 0) {
    return LoadSentencePieceEncoder(path, model_vocab_size);
  }
  if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0) {
    BpeTokenizer t = BpeTokenizer::Load(path);
    if (t.vocab_size() > model_vocab_size) {
      throw Error(fmt::format("{}: {} token ids, more than the model's vocabulary of {}", path, t.vocab_size(),
                              model_vocab_size));
    }
    return std::make_unique<BpeEncoder>(std::move(t));
  }
  return std::make_unique<Llama2cEncoder>(Tokenizer::Load(path, model_vocab_size));
}

}  // namespace flexcim::pruner
