#include "flow_pruner/text_encoder.h"

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

}  // namespace

std::unique_ptr<TextEncoder> LoadTextEncoder(const std::string& path, int model_vocab_size) {
  if (path.size() >= 6 && path.compare(path.size() - 6, 6, ".model") == 0) {
    return LoadSentencePieceEncoder(path, model_vocab_size);
  }
  return std::make_unique<Llama2cEncoder>(Tokenizer::Load(path, model_vocab_size));
}

}  // namespace flexcim::pruner
