#include "flow_pruner/sentencepiece_encoder.h"

#include <fmt/format.h>
#include <sentencepiece_processor.h>

#include "core/errors.h"
#include "core/input_file.h"

namespace flexcim::pruner {

namespace {

// Llama-3-size SentencePiece models are a few MB; 256 MiB is far beyond.
constexpr size_t kMaxSentencePieceModelBytes = size_t{256} << 20;

class SentencePieceEncoder final : public TextEncoder {
 public:
  explicit SentencePieceEncoder(const std::string& path) : path_(path) {}

  void Load(int model_vocab_size) {
    // Read through the one input opener (a FIFO is refused, not waited on;
    // the size is bounded before anything is allocated), then parsed.
    const std::string bytes = ReadRegularFile(path_, kMaxSentencePieceModelBytes);
    const auto status = processor_.LoadFromSerializedProto(bytes);
    if (!status.ok()) {
      throw Error(fmt::format("{}: cannot load SentencePiece model: {}", path_, status.ToString()));
    }
    if (processor_.GetPieceSize() > model_vocab_size) {
      throw Error(fmt::format("{}: {} pieces, more than the model's vocab_size {}", path_,
                              processor_.GetPieceSize(), model_vocab_size));
    }
  }

  std::vector<int> EncodeBlock(std::string_view text) const override {
    std::vector<int> ids;
    const auto status = processor_.Encode(text, &ids);
    if (!status.ok()) {
      throw Error(fmt::format("{}: SentencePiece cannot encode a block: {}", path_, status.ToString()));
    }
    if (processor_.bos_id() >= 0) ids.insert(ids.begin(), processor_.bos_id());
    return ids;
  }

  int vocab_size() const override { return processor_.GetPieceSize(); }

 private:
  std::string path_;
  sentencepiece::SentencePieceProcessor processor_;
};

}  // namespace

std::unique_ptr<TextEncoder> LoadSentencePieceEncoder(const std::string& path, int model_vocab_size) {
  auto encoder = std::make_unique<SentencePieceEncoder>(path);
  encoder->Load(model_vocab_size);
  return encoder;
}

}  // namespace flexcim::pruner
