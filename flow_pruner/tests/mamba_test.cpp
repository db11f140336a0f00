// Mamba-1 (Hugging Face MambaForCausalLM) on random small checkpoints
// written as real directories: logits against a plain double-precision loop
// written here from the model's definition (not from mamba_model.cpp),
// token-by-token stepping against one whole block, F32 / BF16 / sharded
// files, and every refusal as one exact line.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/tests/cli_run.h"
#include "core/errors.h"
#include "flow_pruner/file_bytes.h"
#include "flow_pruner/mamba_checkpoint.h"
#include "flow_pruner/recurrent_language_model.h"
#include "flow_pruner/tests/mamba_test_checkpoint.h"
#include "flow_pruner/tests/test_data.h"

namespace flexcim::pruner {
namespace {

using testmamba::MakeRandomMamba;
using testmamba::RandomMamba;
using testmamba::WriteMamba;

// The reference: every quantity in double, one token at a time, exactly as
// transformers' MambaMixer.slow_forward and MambaForCausalLM define them.
std::vector<std::vector<double>> ReferenceLogits(const RandomMamba& m, const std::vector<int>& tokens) {
  auto T = [&](const std::string& name) -> const std::vector<float>& { return m.tensors.at(name).second; };
  const int D = m.d_model, E = m.d_inner(), N = m.d_state, K = m.d_conv, R = m.rank(), V = m.padded_vocab();
  const double eps = 1e-5;
  auto rmsnorm = [&](const std::vector<double>& x, const std::vector<float>& w) {
    double ss = 0;
    for (double v : x) ss += v * v;
    const double scale = 1.0 / std::sqrt(ss / x.size() + eps);
    std::vector<double> y(x.size());
    for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * scale * w[i];
    return y;
  };
  auto silu = [](double v) { return v / (1.0 + std::exp(-v)); };
  // history[l][t] = the conv input (x half of in_proj) of layer l at token t.
  std::vector<std::vector<std::vector<double>>> history(m.n_layer);
  std::vector<std::vector<double>> ssm(m.n_layer, std::vector<double>(static_cast<size_t>(E) * N, 0.0));
  std::vector<std::vector<double>> out;
  for (size_t t = 0; t < tokens.size(); ++t) {
    std::vector<double> x(D);
    for (int i = 0; i < D; ++i) x[i] = T("backbone.embeddings.weight")[static_cast<size_t>(tokens[t]) * D + i];
    for (int l = 0; l < m.n_layer; ++l) {
      const std::string p = fmt::format("backbone.layers.{}.", l);
      const std::vector<double> h = rmsnorm(x, T(p + "norm.weight"));
      std::vector<double> xin(E), z(E);
      for (int o = 0; o < 2 * E; ++o) {
        double acc = 0;
        for (int i = 0; i < D; ++i) acc += T(p + "mixer.in_proj.weight")[static_cast<size_t>(o) * D + i] * h[i];
        (o < E ? xin[o] : z[o - E]) = acc;
      }
      history[l].push_back(xin);
      std::vector<double> u(E);
      for (int c = 0; c < E; ++c) {
        double acc = T(p + "mixer.conv1d.bias")[c];
        // Causal: weight tap j multiplies the input d_conv - 1 - j tokens back.
        for (int j = 0; j < K; ++j) {
          const int src = static_cast<int>(t) - (K - 1 - j);
          if (src >= 0) acc += T(p + "mixer.conv1d.weight")[static_cast<size_t>(c) * K + j] * history[l][src][c];
        }
        u[c] = silu(acc);
      }
      std::vector<double> dbc(R + 2 * N);
      for (int o = 0; o < R + 2 * N; ++o) {
        double acc = 0;
        for (int c = 0; c < E; ++c) acc += T(p + "mixer.x_proj.weight")[static_cast<size_t>(o) * E + c] * u[c];
        dbc[o] = acc;
      }
      std::vector<double> y(E);
      for (int c = 0; c < E; ++c) {
        double dt = T(p + "mixer.dt_proj.bias")[c];
        for (int r = 0; r < R; ++r) dt += T(p + "mixer.dt_proj.weight")[static_cast<size_t>(c) * R + r] * dbc[r];
        dt = std::log1p(std::exp(dt));
        double acc = 0;
        for (int n = 0; n < N; ++n) {
          const double A = -std::exp(static_cast<double>(T(p + "mixer.A_log")[static_cast<size_t>(c) * N + n]));
          double& s = ssm[l][static_cast<size_t>(c) * N + n];
          s = std::exp(A * dt) * s + dt * dbc[R + n] * u[c];
          acc += s * dbc[R + N + n];
        }
        y[c] = (acc + u[c] * T(p + "mixer.D")[c]) * silu(z[c]);
      }
      for (int o = 0; o < D; ++o) {
        double acc = 0;
        for (int c = 0; c < E; ++c) acc += T(p + "mixer.out_proj.weight")[static_cast<size_t>(o) * E + c] * y[c];
        x[o] += acc;
      }
    }
    const std::vector<double> h = rmsnorm(x, T("backbone.norm_f.weight"));
    const std::vector<float>& head = m.tied ? T("backbone.embeddings.weight") : T("lm_head.weight");
    std::vector<double> logits(V);
    for (int v = 0; v < V; ++v) {
      double acc = 0;
      for (int i = 0; i < D; ++i) acc += head[static_cast<size_t>(v) * D + i] * h[i];
      logits[v] = acc;
    }
    out.push_back(logits);
  }
  return out;
}

const std::vector<int> kTokens = {3, 17, 0, 36, 5, 5, 22, 9, 31, 1, 14, 28};

void ExpectEqualsReference(const RandomMamba& r, const MambaModel& m) {
  const Matrix got = m.SequenceLogits(kTokens);
  const auto want = ReferenceLogits(r, kTokens);
  ASSERT_EQ(got.rows, static_cast<int>(kTokens.size()));
  ASSERT_EQ(got.cols, r.padded_vocab());
  double worst = 0;
  for (int t = 0; t < got.rows; ++t) {
    for (int v = 0; v < got.cols; ++v) {
      const double err = std::fabs(got.at(t, v) - want[t][v]) / std::max(1.0, std::fabs(want[t][v]));
      worst = std::max(worst, err);
      ASSERT_LE(err, 1e-5) << "token " << t << " logit " << v << ": " << got.at(t, v) << " vs " << want[t][v];
    }
  }
  std::cout << fmt::format("largest relative difference to the double reference: {:.3g}\n", worst);
}

TEST(Mamba, TiedAutoRankLogitsEqualTheDoubleReference) {
  const std::string dir = testdata::MakeTempDir() + "/m";
  RandomMamba shape;
  const RandomMamba r = MakeRandomMamba(shape, 1);
  WriteMamba(r, dir);
  const MambaModel m = LoadMambaCheckpoint(dir);
  EXPECT_EQ(m.config.vocab_size, 40);  // 37 padded to a multiple of 8
  EXPECT_EQ(m.config.dt_rank, 1);      // ceil(16 / 16)
  EXPECT_FALSE(m.lm_head.has_value());
  EXPECT_EQ(m.Describe(), "Hugging Face MambaForCausalLM (F32)");
  ExpectEqualsReference(r, m);
}

TEST(Mamba, UntiedNumericRankLogitsEqualTheDoubleReference) {
  const std::string dir = testdata::MakeTempDir() + "/m";
  RandomMamba shape;
  shape.d_model = 24;
  shape.n_layer = 3;
  shape.d_state = 6;
  shape.d_conv = 3;
  shape.dt_rank = 5;
  shape.tied = false;
  const RandomMamba r = MakeRandomMamba(shape, 2);
  WriteMamba(r, dir);
  const MambaModel m = LoadMambaCheckpoint(dir);
  EXPECT_EQ(m.config.dt_rank, 5);
  EXPECT_TRUE(m.lm_head.has_value());
  ExpectEqualsReference(r, m);
}

TEST(Mamba, SteppingTokenByTokenEqualsTheWholeBlock) {
  const std::string dir = testdata::MakeTempDir() + "/m";
  const RandomMamba r = MakeRandomMamba(RandomMamba{}, 3);
  WriteMamba(r, dir);
  const MambaModel m = LoadMambaCheckpoint(dir);
  const Matrix whole = m.SequenceLogits(kTokens);
  MambaState state = m.EmptyState();
  for (size_t t = 0; t < kTokens.size(); ++t) {
    const Matrix step = m.Run(std::span<const int>(kTokens).subspan(t, 1), state);
    for (int v = 0; v < whole.cols; ++v) ASSERT_EQ(step.at(0, v), whole.at(static_cast<int>(t), v)) << t << " " << v;
  }
  // Two halves with the state carried equal the whole too.
  MambaState halves = m.EmptyState();
  m.Run(std::span<const int>(kTokens).first(5), halves);
  const Matrix rest = m.Run(std::span<const int>(kTokens).subspan(5), halves);
  for (int t = 0; t < rest.rows; ++t) {
    for (int v = 0; v < whole.cols; ++v) ASSERT_EQ(rest.at(t, v), whole.at(t + 5, v));
  }
}

TEST(Mamba, Bf16AndShardedFilesGiveTheSameLogits) {
  const std::string tmp = testdata::MakeTempDir();
  const RandomMamba r = MakeRandomMamba(RandomMamba{}, 4);  // BF16-representable values
  WriteMamba(r, tmp + "/f32");
  WriteMamba(r, tmp + "/bf16", "BF16", 3);
  const MambaModel a = LoadMambaCheckpoint(tmp + "/f32"), b = LoadMambaCheckpoint(tmp + "/bf16");
  EXPECT_EQ(b.Describe(), "Hugging Face MambaForCausalLM (BF16)");
  EXPECT_EQ(a.SequenceLogits(kTokens).data, b.SequenceLogits(kTokens).data);
}

class MambaErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testdata::MakeTempDir() + "/m";
    r_ = MakeRandomMamba(RandomMamba{}, 5);
  }
  std::string Load() {
    WriteMamba(r_, dir_);
    try {
      LoadMambaCheckpoint(dir_);
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }
  std::string config() const { return dir_ + "/config.json"; }
  std::string dir_;
  RandomMamba r_;
};

TEST_F(MambaErrors, MalformedConfigsNameTheKey) {
  r_.config.erase("hidden_size");
  EXPECT_EQ(Load(), config() + ": \"hidden_size\" or \"d_model\" must be a positive integer (missing)");
  r_.config["d_model"] = 16;  // mamba_ssm's name is accepted
  EXPECT_EQ(Load(), "(no error)");
  r_.config["time_step_rank"] = "fast";
  EXPECT_EQ(Load(), config() + ": \"time_step_rank\" must be \"auto\" or a positive integer, not \"fast\"");
  r_.config["time_step_rank"] = "auto";
  r_.config["state_size"] = -4;
  EXPECT_EQ(Load(), config() + ": \"state_size\" must be a positive integer, not -4");
  r_.config["state_size"] = 4;
  r_.config["intermediate_size"] = 48;
  EXPECT_EQ(Load(), config() + ": intermediate_size 48 is not expand * hidden_size = 32");
  r_.config.erase("intermediate_size");
  r_.config["tie_word_embeddings"] = "yes";
  EXPECT_EQ(Load(), config() + ": \"tie_word_embeddings\" must be true or false, not \"yes\"");
  r_.config["tie_word_embeddings"] = true;
  r_.config["hidden_act"] = "gelu";
  EXPECT_EQ(Load(), config() + ": hidden_act \"gelu\" is not supported (silu)");
}

TEST_F(MambaErrors, MissingAndMisshapenTensorsAreNamed) {
  r_.tensors.erase("backbone.layers.1.mixer.dt_proj.bias");
  EXPECT_EQ(Load(), dir_ + "/model.safetensors: missing tensor backbone.layers.1.mixer.dt_proj.bias");
  r_ = MakeRandomMamba(RandomMamba{}, 5);
  r_.config["state_size"] = 5;  // x_proj is [1 + 2*4, 32] in the file
  EXPECT_EQ(Load(), dir_ + "/model.safetensors: tensor backbone.layers.0.mixer.x_proj.weight has shape [9, 32], "
                           "config.json implies [11, 32]");
  r_ = MakeRandomMamba(RandomMamba{}, 5);
  r_.config["tie_word_embeddings"] = false;
  EXPECT_EQ(Load(), dir_ + "/model.safetensors: missing tensor lm_head.weight");
}

TEST_F(MambaErrors, Mamba2IsRefusedByName) {
  r_.config["architectures"] = {"Mamba2ForCausalLM"};
  r_.config["model_type"] = "mamba2";
  EXPECT_EQ(Load(), config() + ": Mamba-2 (Mamba2ForCausalLM) is not supported (MambaForCausalLM)");
  r_ = MakeRandomMamba(RandomMamba{}, 5);
  r_.tensors["backbone.layers.0.mixer.A_log"] = {{4}, {0.f, 0.5f, 1.f, 1.5f}};
  EXPECT_EQ(Load(), dir_ + "/model.safetensors: tensor backbone.layers.0.mixer.A_log has shape [4], one value per "
                           "head: a Mamba-2 checkpoint is not supported (MambaForCausalLM)");
  r_ = MakeRandomMamba(RandomMamba{}, 5);
  r_.tensors["backbone.layers.0.mixer.norm.weight"] = {{32}, std::vector<float>(32, 1.0f)};
  EXPECT_EQ(Load(), dir_ + "/model.safetensors: tensor backbone.layers.0.mixer.norm.weight is Mamba-2's gated "
                           "norm: a Mamba-2 checkpoint is not supported (MambaForCausalLM)");
}

// Through the binary: eval --token-ids on the directory, and a config naming
// an architecture the tool does not run.
TEST(MambaCli, EvalTokenIdsAndUnknownArchitecture) {
  const std::string tmp = testdata::MakeTempDir();
  const RandomMamba r = MakeRandomMamba(RandomMamba{}, 6);
  WriteMamba(r, tmp + "/m");
  std::ofstream(tmp + "/ids.txt") << "3 17 0 36 5\n5 22 9 31 1 14 28\n";
  const flexcim::testing::CliRun e = flexcim::testing::Flexcim(
      fmt::format("eval --model '{0}/m' --token-ids '{0}/ids.txt' --blocks 0:1 --quiet --json '{0}/e.json'", tmp));
  ASSERT_EQ(e.code, 0) << e.err;
  const auto j = nlohmann::json::parse(ReadFileBytes(tmp + "/e.json"));
  EXPECT_EQ(j["predictions"], 4 + 6);
  EXPECT_EQ(j["tokens"], 5 + 7);
  EXPECT_EQ(j["model_format"], "Hugging Face MambaForCausalLM (F32)");
  const MambaModel m = LoadMambaCheckpoint(tmp + "/m");
  PerplexityOptions options;
  options.progress = false;
  const PerplexityResult p = EvaluateRecurrentPerplexity(m, {{3, 17, 0, 36, 5}, {5, 22, 9, 31, 1, 14, 28}}, options);
  EXPECT_EQ(j["total_nll"].get<double>(), p.total_nll);

  nlohmann::json gpt2 = r.config;
  gpt2["architectures"] = {"GPT2LMHeadModel"};
  gpt2["model_type"] = "gpt2";
  std::ofstream(tmp + "/m/config.json") << gpt2.dump();
  const flexcim::testing::CliRun bad = flexcim::testing::Flexcim(
      fmt::format("eval --model '{0}/m' --token-ids '{0}/ids.txt' --quiet", tmp));
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(bad.err, fmt::format("flexcim eval: error: {}/m/config.json: architecture GPT2LMHeadModel is not "
                                 "supported (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM; "
                                 "MambaForCausalLM with eval)\n",
                                 tmp));
}

// A directory with a tokenizer.json (the GPT-2-style fixture of
// bpe_tokenizer_test.cpp): eval tokenises the text with it, no BOS.
TEST(MambaCli, EvalTextThroughTheDirectorysTokenizerJson) {
  const std::string tmp = testdata::MakeTempDir();
  RandomMamba shape;
  shape.vocab = 301;  // the fixture's ids are < 301
  const RandomMamba r = MakeRandomMamba(shape, 7);
  WriteMamba(r, tmp + "/m");
  std::filesystem::copy_file(std::string(std::getenv("FLEXCIM_SOURCE_DIR")) + "/testdata/bpe/gpt2_style.tokenizer.json",
                             tmp + "/m/tokenizer.json");
  std::ofstream(tmp + "/t.txt") << "Hello the world\n\nit's 2024\n\n";
  const flexcim::testing::CliRun e = flexcim::testing::Flexcim(
      fmt::format("eval --model '{0}/m' --text '{0}/t.txt' --blocks 0:1 --quiet --json '{0}/e.json'", tmp));
  ASSERT_EQ(e.code, 0) << e.err;
  const auto j = nlohmann::json::parse(ReadFileBytes(tmp + "/e.json"));
  // 12 and 7 ids (bpe_tokenizer_test.cpp): 11 + 6 predictions.
  EXPECT_EQ(j["tokens"], 12 + 7);
  EXPECT_EQ(j["predictions"], 11 + 6);
  EXPECT_EQ(j["tokenizer"], tmp + "/m/tokenizer.json");
  const MambaModel m = LoadMambaCheckpoint(tmp + "/m");
  PerplexityOptions options;
  options.progress = false;
  const PerplexityResult p = EvaluateRecurrentPerplexity(
      m, {{72, 101, 108, 108, 111, 258, 32, 119, 111, 114, 108, 100}, {105, 116, 262, 32, 263, 50, 52}}, options);
  EXPECT_EQ(j["total_nll"].get<double>(), p.total_nll);
}

}  // namespace
}  // namespace flexcim::pruner
