// RWKV v5.2 on real trained weights (rwkv.cpp's tiny test model): the logits
// after the bytes '"', 'i', 'n' against rwkv.cpp's expected logits with
// rwkv.cpp's own acceptance rule, token-by-token stepping against one whole
// sequence, the reader's one-line errors, and the byte-level perplexity
// protocol through `flexcim eval`.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/tests/cli_run.h"
#include "core/errors.h"
#include "flow_pruner/file_bytes.h"
#include "flow_pruner/recurrent_language_model.h"
#include "flow_pruner/rwkv_reader.h"
#include "flow_pruner/tests/test_data.h"
#include "flow_pruner/text_blocks.h"

namespace flexcim::pruner {
namespace {

std::string Model5v2() { return testdata::CheckedDataFile("rwkv/tiny-rwkv-5v2-730K-FP32.bin"); }

std::vector<float> ExpectedLogits5v2() {
  const std::string bytes = ReadFileBytes(testdata::CheckedDataFile("rwkv/expected-logits-5v2-730K.bin"));
  std::vector<float> v(256);
  std::memcpy(v.data(), bytes.data(), 1024);
  return v;
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string ErrorOf(const std::string& path) {
  try {
    LoadRwkvModel(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Rwkv, ReadsTheTinyV52Model) {
  const RwkvModel m = LoadRwkvModel(Model5v2());
  EXPECT_EQ(m.Describe(), "rwkv.cpp RWKV v5.2 (FP32)");
  EXPECT_EQ(m.n_vocab, 256);
  EXPECT_EQ(m.n_embed, 64);
  EXPECT_EQ(m.n_layer, 12);
  EXPECT_EQ(m.head_count, 8);
  EXPECT_EQ(m.head_size, 8);
  EXPECT_EQ(m.layers[0].ffn_key.rows, 256);
  EXPECT_EQ(m.layers[0].ffn_value.cols, 256);
  EXPECT_TRUE(IsRwkvModelFile(Model5v2()));
  EXPECT_FALSE(IsRwkvModelFile(testdata::CheckedDataFile("stories260K.bin")));
}

// rwkv.cpp (tests/logit_difference_validator.inc) accepts an FP32 result when
// |sum over the 256 logits of (logit - expected)| <= 0.001 * 1.05.
TEST(Rwkv, LogitsAfterQuoteINMatchRwkvCppWithinItsTolerance) {
  const RwkvModel m = LoadRwkvModel(Model5v2());
  const std::vector<float> expected = ExpectedLogits5v2();
  const std::vector<int> prompt = {'"', 'i', 'n'};
  const Matrix logits = m.SequenceLogits(prompt);
  ASSERT_EQ(logits.rows, 3);
  ASSERT_EQ(logits.cols, 256);
  float diff_sum = 0.0f;
  double max_abs = 0.0;
  for (int i = 0; i < 256; ++i) {
    diff_sum += logits.at(2, i) - expected[i];
    max_abs = std::max(max_abs, std::fabs(static_cast<double>(logits.at(2, i)) - expected[i]));
  }
  std::cout << fmt::format("difference sum {:.6g}, largest |logit - expected| {:.3g}\n", diff_sum, max_abs);
  EXPECT_LE(std::fabs(diff_sum), 0.001f * 1.05f) << "difference sum " << diff_sum;
  // Stronger than rwkv.cpp's signed sum: every logit on its own.
  EXPECT_LT(max_abs, 1e-5) << "largest |logit - expected| " << max_abs;
}

TEST(Rwkv, SteppingTokenByTokenEqualsTheWholeSequence) {
  const RwkvModel m = LoadRwkvModel(Model5v2());
  const std::string text = "Once upon a time, \xe2\x80\x99 there was";
  std::vector<int> tokens;
  for (unsigned char c : text) tokens.push_back(c);
  const Matrix whole = m.SequenceLogits(tokens);
  RwkvState state = m.EmptyState();
  for (size_t t = 0; t < tokens.size(); ++t) {
    const Matrix step = m.Run(std::span<const int>(tokens).subspan(t, 1), state);
    for (int i = 0; i < 256; ++i) {
      ASSERT_EQ(step.at(0, i), whole.at(static_cast<int>(t), i)) << "token " << t << " logit " << i;
    }
  }
}

TEST(Rwkv, BadMagicIsOneLineNamingTheFile) {
  const std::string dir = testdata::MakeTempDir();
  std::string bytes = ReadFileBytes(Model5v2());
  bytes[0] = 'X';
  WriteBytes(dir + "/bad.bin", bytes);
  EXPECT_EQ(ErrorOf(dir + "/bad.bin"),
            dir + "/bad.bin: not an rwkv.cpp model: magic 0x67676d58, expected 0x67676d66 (\"ggmf\")");
}

TEST(Rwkv, TruncatedFileIsOneLineNamingTheFileAndTensor) {
  const std::string dir = testdata::MakeTempDir();
  const std::string bytes = ReadFileBytes(Model5v2());
  // Cut inside the data of the last tensor, head.weight (256 x 64 FP32 =
  // 65536 bytes, ending at the end of the file).
  WriteBytes(dir + "/cut.bin", bytes.substr(0, bytes.size() - 100));
  EXPECT_EQ(ErrorOf(dir + "/cut.bin"),
            fmt::format("{}/cut.bin: tensor head.weight: data needs 65536 bytes at offset {}, the file has {} "
                        "(truncated)",
                        dir, bytes.size() - 65536, bytes.size() - 100));
  WriteBytes(dir + "/short.bin", bytes.substr(0, 10));
  EXPECT_EQ(ErrorOf(dir + "/short.bin"),
            dir + "/short.bin: 10 bytes, shorter than rwkv.cpp's 24-byte header (truncated)");
}

TEST(Rwkv, V7LogitsAfterQuoteINMatchRwkvCppWithinItsTolerance) {
  const RwkvModel m = LoadRwkvModel(testdata::CheckedDataFile("rwkv/tiny-rwkv-7v0-834K-FP32.bin"));
  EXPECT_EQ(m.Describe(), "rwkv.cpp RWKV v7.0 (FP32)");
  EXPECT_EQ(m.head_count, 1);  // rwkv.cpp: att.r_k is (64, 1)
  EXPECT_EQ(m.head_size, 64);
  const std::string bytes = ReadFileBytes(testdata::CheckedDataFile("rwkv/expected-logits-7v0-834K.bin"));
  std::vector<float> expected(256);
  std::memcpy(expected.data(), bytes.data(), 1024);
  const Matrix logits = m.SequenceLogits(std::vector<int>{'"', 'i', 'n'});
  float diff_sum = 0.0f;
  double max_abs = 0.0;
  for (int i = 0; i < 256; ++i) {
    diff_sum += logits.at(2, i) - expected[i];
    max_abs = std::max(max_abs, std::fabs(static_cast<double>(logits.at(2, i)) - expected[i]));
  }
  std::cout << fmt::format("v7: difference sum {:.6g}, largest |logit - expected| {:.3g}\n", diff_sum, max_abs);
  EXPECT_LE(std::fabs(diff_sum), 0.001f * 1.05f) << "difference sum " << diff_sum;
  EXPECT_LT(max_abs, 1e-5) << "largest |logit - expected| " << max_abs;
  // Stepping equals the whole sequence for v7 too (value residual, six mixes).
  RwkvState state = m.EmptyState();
  const std::vector<int> prompt = {'"', 'i', 'n'};
  for (int t = 0; t < 3; ++t) {
    const Matrix step = m.Run(std::span<const int>(prompt).subspan(t, 1), state);
    for (int i = 0; i < 256; ++i) ASSERT_EQ(step.at(0, i), logits.at(t, i)) << t << " " << i;
  }
}

// rwkv.cpp's version rule from tensor names: without att.gate a v5 file is
// v5.1, which is refused by name (the key renamed in place, same length).
TEST(Rwkv, OtherVersionsAreRefusedByName) {
  const std::string dir = testdata::MakeTempDir();
  std::string bytes = ReadFileBytes(Model5v2());
  const size_t at = bytes.find("blocks.0.att.gate.weight");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 24, "blocks.0.att.gatX.weight");
  WriteBytes(dir + "/v51.bin", bytes);
  EXPECT_EQ(ErrorOf(dir + "/v51.bin"), dir + "/v51.bin: RWKV v5.1 is not supported (v5.2, v7)");
}

// A block of L bytes gives L - 1 predictions, each block from an empty state.
TEST(Rwkv, EvalScoresBlocksAsBytesFromAnEmptyState) {
  const std::string text_path = testdata::CheckedDataFile("tinystories-valid-head.txt");
  const std::vector<std::string> blocks = ReadTextBlocks(text_path);
  const std::vector<std::vector<int>> seqs = BlocksAsBytes(SelectBlocks(blocks, {0, 2}));
  int64_t expected_predictions = 0, expected_tokens = 0;
  for (int b = 0; b <= 2; ++b) {
    expected_tokens += static_cast<int64_t>(blocks[b].size());
    expected_predictions += static_cast<int64_t>(blocks[b].size()) - 1;
  }
  const RwkvModel m = LoadRwkvModel(Model5v2());
  PerplexityOptions options;
  options.progress = false;
  const PerplexityResult r = EvaluateRecurrentPerplexity(m, seqs, options);
  EXPECT_EQ(r.predictions, expected_predictions);
  EXPECT_EQ(r.tokens, expected_tokens);
  // Block by block from an empty state: the NLL of block 1 alone is its share.
  const PerplexityResult one = EvaluateRecurrentPerplexity(m, {seqs[1]}, options);
  const PerplexityResult others = EvaluateRecurrentPerplexity(m, {seqs[0], seqs[2]}, options);
  EXPECT_NEAR(one.total_nll + others.total_nll, r.total_nll, 1e-9 * r.total_nll);

  const std::string dir = testdata::MakeTempDir();
  const flexcim::testing::CliRun run = flexcim::testing::Flexcim(
      fmt::format("eval --model '{}' --text '{}' --blocks 0:2 --quiet --json '{}/e.json'", Model5v2(),
                  text_path, dir));
  ASSERT_EQ(run.code, 0) << run.err;
  const auto j = nlohmann::json::parse(ReadFileBytes(dir + "/e.json"));
  EXPECT_EQ(j["predictions"], expected_predictions);
  EXPECT_EQ(j["tokens"], expected_tokens);
  EXPECT_EQ(j["model_format"], "rwkv.cpp RWKV v5.2 (FP32)");
  EXPECT_EQ(j["mean_nll"].get<double>(), r.mean_nll());
}

TEST(Rwkv, EvalOfATruncatedRwkvFileIsOneLineExit1) {
  const std::string dir = testdata::MakeTempDir();
  const std::string bytes = ReadFileBytes(Model5v2());
  WriteBytes(dir + "/cut.bin", bytes.substr(0, 30));
  const flexcim::testing::CliRun run =
      flexcim::testing::Flexcim(fmt::format("eval --model '{}/cut.bin' --quiet", dir));
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.err, fmt::format("flexcim eval: error: {}/cut.bin: tensor #0: header at offset 24 is cut off by the "
                                 "end of the file (30 bytes; truncated)\n",
                                 dir));
}

TEST(Rwkv, EvalRefusesATokenizerForTheByteVocabulary) {
  const flexcim::testing::CliRun run = flexcim::testing::Flexcim(fmt::format(
      "eval --model '{}' --tokenizer '{}' --blocks 0 --quiet", Model5v2(), testdata::CheckedDataFile("tok512.bin")));
  EXPECT_EQ(run.code, 2);
  EXPECT_EQ(run.err, fmt::format("flexcim eval: error: --tokenizer {}: {} reads the text as bytes (token = byte "
                                 "value); drop --tokenizer\n",
                                 testdata::CheckedDataFile("tok512.bin"), Model5v2()));
}

}  // namespace
}  // namespace flexcim::pruner
