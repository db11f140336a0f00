// stories260K and stories15M forward passes against the README reference numbers.
#include "flow_pruner/forward.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <mutex>

#include "core/errors.h"
#include "flow_pruner/generate.h"
#include "flow_pruner/perplexity.h"
#include "flow_pruner/tests/test_data.h"
#include "flow_pruner/text_blocks.h"
#include "flow_pruner/tokenizer.h"

namespace flexcim::pruner {
namespace {

struct Fixture {
  LlamaModel model;
  Tokenizer tokenizer;
  std::vector<std::vector<int>> blocks;
};

const Fixture& Data() {
  static const Fixture f = [] {
    Fixture d{LoadLlamaModel(testdata::CheckedDataFile("stories260K.bin")),
              Tokenizer::Load(testdata::CheckedDataFile("tok512.bin"), 512),
              {}};
    d.blocks = EncodeBlocks(
        d.tokenizer, ReadTextBlocks(testdata::CheckedDataFile("tinystories-valid-head.txt")));
    return d;
  }();
  return f;
}

std::vector<std::vector<int>> First(int n) {
  return {Data().blocks.begin(), Data().blocks.begin() + n};
}

TEST(Forward, FirstHundredBlocksMatchReadme) {
  PerplexityOptions options;
  options.progress = false;
  const PerplexityResult r = EvaluatePerplexity(Data().model, First(100), options);
  EXPECT_EQ(r.sequences, 100);
  EXPECT_EQ(r.predictions, 9619);
  EXPECT_NEAR(r.mean_nll(), 1.43167, 1.43167 * 1e-4);
  EXPECT_NEAR(r.perplexity(), 4.1857, 4.1857 * 2e-4);
  std::cout << fmt::format("first 100 blocks: mean NLL {:.6f}, ppl {:.5f}\n", r.mean_nll(),
                           r.perplexity());
}

TEST(Forward, AllBlocksMatchReadme) {
  PerplexityOptions options;
  options.progress = false;
  const PerplexityResult r = EvaluatePerplexity(Data().model, Data().blocks, options);
  EXPECT_EQ(r.sequences, 4300);
  EXPECT_EQ(r.tokens, 385898);
  EXPECT_EQ(r.predictions, 381598);
  EXPECT_NEAR(r.mean_nll(), 1.68175, 1.68175 * 1e-4);
  std::cout << fmt::format("all 4300 blocks: mean NLL {:.6f}, ppl {:.5f}, {:.2f} s, {:.0f} tokens/s\n",
                           r.mean_nll(), r.perplexity(), r.seconds, r.tokens_per_second());
}

TEST(Forward, ResultDoesNotDependOnThreadCount) {
  PerplexityOptions options;
  options.progress = false;
  options.threads = 1;
  const PerplexityResult one = EvaluatePerplexity(Data().model, First(40), options);
  options.threads = 2;
  const PerplexityResult two = EvaluatePerplexity(Data().model, First(40), options);
  options.threads = 7;
  const PerplexityResult seven = EvaluatePerplexity(Data().model, First(40), options);
  EXPECT_EQ(std::memcmp(&one.total_nll, &two.total_nll, sizeof(double)), 0);
  EXPECT_EQ(std::memcmp(&one.total_nll, &seven.total_nll, sizeof(double)), 0);
  EXPECT_EQ(one.threads, 1);
  EXPECT_EQ(two.threads, 2);
}

TEST(Forward, GreedyDecodingReproducesPublishedSample) {
  const std::vector<int> tokens = GenerateGreedy(Data().model, 25);
  ASSERT_EQ(tokens.size(), 26u);
  const std::string text = Data().tokenizer.Decode(tokens);
  const std::string expected =
      "Once upon a time, there was a little girl named Lily. She loved to play outside in the "
      "park.";
  EXPECT_EQ(text, expected.substr(0, text.size()));
  EXPECT_GT(text.size(), 70u) << text;
  const std::string longer = Data().tokenizer.Decode(GenerateGreedy(Data().model, 60));
  EXPECT_EQ(longer.rfind("Once upon a time, there was a little girl named Lily. She loved to "
                         "play outside in the park. One day, she saw a big, red ball.",
                         0),
            0u)
      << longer;
}

TEST(Forward, HooksSeeEveryLinearInputAndCanTransformIt) {
  const std::vector<int>& tokens = Data().blocks[0];
  const LlamaConfig& c = Data().model.config;
  std::map<std::pair<int, LinearKind>, std::pair<int, int>> shapes;
  ForwardHooks observe;
  observe.observe_input = [&](int layer, LinearKind kind, const Matrix& x) {
    shapes[{layer, kind}] = {x.rows, x.cols};
  };
  const Matrix plain = ForwardLogits(Data().model, tokens);
  const Matrix observed = ForwardLogits(Data().model, tokens, observe);
  EXPECT_EQ(plain.data, observed.data);
  ASSERT_EQ(shapes.size(), static_cast<size_t>(c.n_layers * kNumLinearKinds));
  const int T = static_cast<int>(tokens.size());
  using Shape = std::pair<int, int>;
  EXPECT_EQ((shapes[{0, LinearKind::kQ}]), Shape(T, 64));
  EXPECT_EQ((shapes[{4, LinearKind::kO}]), Shape(T, 64));
  EXPECT_EQ((shapes[{2, LinearKind::kW2}]), Shape(T, 172));

  // An identity transform changes nothing; zeroing w2's input in the last
  // layer removes that layer's FFN contribution only.
  ForwardHooks identity;
  identity.transform_input = [](int, LinearKind, Matrix&) {};
  EXPECT_EQ(ForwardLogits(Data().model, tokens, identity).data, plain.data);
  ForwardHooks zero;
  std::vector<LinearKind> seen;
  zero.transform_input = [&](int layer, LinearKind kind, Matrix& x) {
    if (layer == 4 && kind == LinearKind::kW2) std::fill(x.data.begin(), x.data.end(), 0.0f);
  };
  zero.observe_input = [&](int layer, LinearKind kind, const Matrix& x) {
    if (layer == 4 && kind == LinearKind::kW2) {
      for (const float v : x.data) ASSERT_EQ(v, 0.0f);
      seen.push_back(kind);
    }
  };
  LlamaModel no_ffn = Data().model;
  std::fill(no_ffn.layers[4].w2.data.begin(), no_ffn.layers[4].w2.data.end(), 0.0f);
  EXPECT_EQ(ForwardLogits(Data().model, tokens, zero).data, ForwardLogits(no_ffn, tokens).data);
  EXPECT_EQ(seen.size(), 1u);
}

// stories15M (32,000-token tokenizer.bin, 256-token context): the
// independent float64 reference of the README protocol gives 5,443
// predictions and mean NLL 1.563169 on blocks 0..99.
struct Fixture15M {
  LlamaModel model;
  std::vector<std::vector<int>> blocks;  // all 4,300
};

const Fixture15M& Data15M() {
  static const Fixture15M f = [] {
    Fixture15M d{LoadLlamaModel(testdata::CheckedDataFile("stories15M.bin")), {}};
    const Tokenizer tokenizer = Tokenizer::Load(testdata::CheckedDataFile("tokenizer.bin"), 32000);
    d.blocks = EncodeBlocks(
        tokenizer, ReadTextBlocks(testdata::CheckedDataFile("tinystories-valid-head.txt")));
    return d;
  }();
  return f;
}

TEST(Forward, Stories15MFirstHundredBlocksMatchFloat64Reference) {
  PerplexityOptions options;
  options.progress = false;
  const std::vector<std::vector<int>> first(Data15M().blocks.begin(), Data15M().blocks.begin() + 100);
  const PerplexityResult r = EvaluatePerplexity(Data15M().model, first, options);
  EXPECT_EQ(r.sequences, 100);
  EXPECT_EQ(r.predictions, 5443);
  EXPECT_NEAR(r.mean_nll(), 1.563169, 1.563169 * 1e-4);
  std::cout << fmt::format("stories15M, first 100 blocks: mean NLL {:.6f}, ppl {:.5f}, {:.2f} s\n",
                           r.mean_nll(), r.perplexity(), r.seconds);
}

// No block of the shipped text exceeds stories15M's 256-token context (a
// longer one is an error naming it: Robustness.BlockLongerThanTheContext...).
TEST(Forward, Stories15MContextHoldsEveryShippedBlock) {
  const Fixture15M& d = Data15M();
  EXPECT_EQ(d.model.config.seq_len, 256);
  ASSERT_EQ(d.blocks.size(), 4300u);
  size_t longest = 0, at = 0;
  for (size_t i = 0; i < d.blocks.size(); ++i) {
    if (d.blocks[i].size() > longest) {
      longest = d.blocks[i].size();
      at = i;
    }
  }
  EXPECT_LE(longest, 256u) << "block " << at;
  std::cout << fmt::format("stories15M: longest block {} with {} tokens (context 256)\n", at, longest);
}

TEST(Forward, RejectsBadSequences) {
  EXPECT_THROW(ForwardLogits(Data().model, std::vector<int>{}), Error);
  EXPECT_THROW(ForwardLogits(Data().model, std::vector<int>{1, 512}), Error);
  EXPECT_THROW(ForwardLogits(Data().model, std::vector<int>(513, 5)), Error);
  EXPECT_EQ(ForwardLogits(Data().model, std::vector<int>(512, 5)).rows, 512);
}

}  // namespace
}  // namespace flexcim::pruner
