// ModelInputs with the three tokenisations: llama2.c tokenizer .bin,
// SentencePiece tokenizer.model (trained here with Debian's libsentencepiece
// on the shipped text, no network) and --token-ids.
#include "flow_pruner/model_inputs.h"

#include <gtest/gtest.h>
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <fstream>

#include "core/errors.h"
#include "flow_pruner/perplexity.h"
#include "flow_pruner/sentencepiece_encoder.h"
#include "flow_pruner/text_blocks.h"
#include "flow_pruner/tests/test_data.h"

namespace flexcim::pruner {
namespace {

ModelPaths ShippedPaths() {
  return {testdata::CheckedDataFile("stories260K.bin"), testdata::CheckedDataFile("tok512.bin"),
          testdata::CheckedDataFile("tinystories-valid-head.txt"), ""};
}

TEST(ModelInputs, TokenIdsGiveTheSameSequencesAndPerplexityAsTheTokenizer) {
  const ModelInputs text = ModelInputs::Load(ShippedPaths());
  const auto expected = text.EncodeSlice("0:99", "--blocks");
  const std::string ids = testdata::MakeTempDir() + "/ids.txt";
  {
    std::ofstream out(ids);
    for (const auto& seq : expected) {
      for (size_t i = 0; i < seq.size(); ++i) out << (i ? " " : "") << seq[i];
      out << "\n";
    }
  }
  ModelPaths p = ShippedPaths();
  p.token_ids = ids;
  const ModelInputs tokens = ModelInputs::Load(p);
  EXPECT_EQ(tokens.num_blocks(), 100);
  EXPECT_EQ(tokens.EncodeSlice("0:99", "--blocks"), expected);
  EXPECT_EQ(tokens.EncodeSlice("10:12", "--blocks"), text.EncodeSlice("10:12", "--blocks"));
  PerplexityOptions o;
  o.progress = false;
  EXPECT_EQ(EvaluatePerplexity(tokens.model, tokens.EncodeSlice("0:99", "--blocks"), o).mean_nll(),
            EvaluatePerplexity(text.model, expected, o).mean_nll());
  try {
    tokens.EncodeSlice("99:100", "--blocks");
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("100"), std::string::npos) << e.what();
  }
}

// SentencePiece's default normalisation of plain ASCII text
// (remove_extra_whitespaces): whitespace runs become one space, trimmed.
std::string CollapseWhitespace(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    const bool space = ch == ' ' || ch == '\n' || ch == '\t';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += ch;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// A 400-piece BPE model trained on the first 400 blocks.
std::string TrainSentencePiece(const std::string& dir, int vocab) {
  const auto blocks = ReadTextBlocks(testdata::CheckedDataFile("tinystories-valid-head.txt"));
  const std::string corpus = dir + "/corpus.txt";
  {
    std::ofstream out(corpus);
    for (int i = 0; i < 400; ++i) out << blocks[i] << "\n";
  }
  const std::string prefix = dir + "/sp" + std::to_string(vocab);
  const auto status = sentencepiece::SentencePieceTrainer::Train(
      "--input=" + corpus + " --model_prefix=" + prefix + " --vocab_size=" + std::to_string(vocab) +
      " --model_type=bpe --character_coverage=1.0 --byte_fallback=true --minloglevel=2"
      " --num_threads=1");
  if (!status.ok()) throw std::runtime_error(status.ToString());
  return prefix + ".model";
}

TEST(ModelInputs, SentencePieceModelThroughTheLibrary) {
  const std::string dir = testdata::MakeTempDir();
  const std::string model = TrainSentencePiece(dir, 400);
  ModelPaths p = ShippedPaths();
  p.tokenizer = model;
  const ModelInputs in = ModelInputs::Load(p);
  ASSERT_TRUE(in.encoder);
  EXPECT_EQ(in.encoder->vocab_size(), 400);
  sentencepiece::SentencePieceProcessor sp;
  ASSERT_TRUE(sp.Load(model).ok());
  const auto seqs = in.EncodeSlice("500:509", "--blocks");
  for (int b = 0; b < 10; ++b) {
    const auto& ids = seqs[b];
    ASSERT_GE(ids.size(), 2u);
    EXPECT_EQ(ids[0], sp.bos_id());
    std::string decoded;
    ASSERT_TRUE(sp.Decode(std::vector<int>(ids.begin() + 1, ids.end()), &decoded).ok());
    EXPECT_EQ(decoded, CollapseWhitespace(in.blocks[500 + b])) << "block " << 500 + b;
    // The dummy prefix: the first piece starts with U+2581.
    EXPECT_EQ(sp.IdToPiece(ids[1]).substr(0, 3), "\xE2\x96\x81");
  }
  // More pieces than the model's vocabulary: one line naming both.
  const std::string big = TrainSentencePiece(dir, 600);
  try {
    LoadSentencePieceEncoder(big, 512);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), big + ": 600 pieces, more than the model's vocab_size 512");
  }
  // Not a SentencePiece model.
  const std::string bad = dir + "/bad.model";
  std::ofstream(bad) << "not a protobuf";
  try {
    LoadSentencePieceEncoder(bad, 512);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(bad + ": cannot load SentencePiece model: ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace flexcim::pruner
