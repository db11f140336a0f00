// `flexcim prune` / `flexcim eval` on a Hugging Face directory through the
// real binary: the shipped model converted by the test code is pruned into
// a directory that is itself a checkpoint (config.json, model.safetensors
// in BF16) and evaluates like the pruned model; a bad checkpoint is one
// error line, exit 1, nothing written.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/tests/cli_run.h"
#include "flow_pruner/file_bytes.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/model_reader.h"
#include "flow_pruner/tests/hf_test_checkpoint.h"
#include "flow_pruner/tests/test_data.h"


namespace flexcim::pruner {
namespace {

namespace fs = std::filesystem;

using flexcim::testing::CliRun;

using flexcim::testing::Flexcim;

std::string TextFlags() {
  return fmt::format("--tokenizer '{}' --text '{}'", testdata::CheckedDataFile("tok512.bin"),
                     testdata::CheckedDataFile("tinystories-valid-head.txt"));
}

TEST(HfCli, PruneABf16CheckpointIntoACheckpointAndEvaluateIt) {
  const std::string tmp = testdata::MakeTempDir();
  const LlamaModel bin = LoadLlamaModel(testdata::CheckedDataFile("stories260K.bin"));
  testhf::WriteLlamaAsHf(bin, tmp + "/hf", "BF16");
  const CliRun p = Flexcim(fmt::format("prune --model '{}/hf' {} --calib-blocks 0:31 "
                                         "--eval-blocks 0:9 --quiet --out '{}/out'",
                                         tmp, TextFlags(), tmp));
  ASSERT_EQ(p.code, 0) << p.err;
  EXPECT_NE(p.out.find("(Hugging Face LlamaForCausalLM (BF16))"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("wrote " + tmp + "/out/{layers.txt, prune.json, config.json, model.safetensors, "
                                        "pruned.flexcim}"),
            std::string::npos)
      << p.out;
  const auto j = nlohmann::json::parse(ReadFileBytes(tmp + "/out/prune.json"));
  EXPECT_EQ(j["model_format"], "Hugging Face LlamaForCausalLM (BF16)");
  // The output directory is a checkpoint: eval reads it and reproduces the
  // pruned perplexity prune reported.
  const CliRun e = Flexcim(fmt::format("eval --model '{}/out' {} --blocks 0:9 --quiet --json '{}/e.json'",
                                         tmp, TextFlags(), tmp));
  ASSERT_EQ(e.code, 0) << e.err;
  const auto ej = nlohmann::json::parse(ReadFileBytes(tmp + "/e.json"));
  EXPECT_EQ(ej["perplexity"], j["evaluation"]["pruned"]["perplexity"]);
  EXPECT_EQ(ej["model_format"], "Hugging Face LlamaForCausalLM (BF16)");
  // eval --pruned on that directory: the W8A8 fake-quantised evaluation prune reported.
  const CliRun q = Flexcim(fmt::format("eval --pruned '{}/out' {} --blocks 0:9 --quiet --json '{}/q.json'",
                                       tmp, TextFlags(), tmp));
  ASSERT_EQ(q.code, 0) << q.err;
  EXPECT_EQ(nlohmann::json::parse(ReadFileBytes(tmp + "/q.json"))["perplexity"],
            j["evaluation"]["pruned_quantized"]["perplexity"]);
}

TEST(HfCli, ConvertWritesTheShippedModelAsTheTestConverterDoes) {
  const std::string tmp = testdata::MakeTempDir();
  const CliRun c = Flexcim(fmt::format("convert --model '{}' --dtype BF16 --out '{}/conv'",
                                            testdata::CheckedDataFile("stories260K.bin"), tmp));
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(c.out, fmt::format("wrote {}/conv/{{config.json, model.safetensors}} (Hugging Face "
                               "LlamaForCausalLM (BF16))\n",
                               tmp));
  const LlamaModel bin = LoadLlamaModel(testdata::CheckedDataFile("stories260K.bin"));
  testhf::WriteLlamaAsHf(bin, tmp + "/ref", "BF16");
  const LlamaModel a = LoadModel(tmp + "/conv");
  const LlamaModel b = LoadModel(tmp + "/ref");
  EXPECT_EQ(a.config.n_kv_heads, 4);
  EXPECT_EQ(a.config.rms_eps, b.config.rms_eps);
  EXPECT_EQ(a.config.rope_theta, b.config.rope_theta);
  const auto ta = TensorsInFileOrder(a);
  const auto tb = TensorsInFileOrder(b);
  ASSERT_EQ(ta.size(), tb.size());
  for (size_t i = 0; i < ta.size(); ++i) {
    EXPECT_EQ(std::vector<float>(ta[i].data, ta[i].data + ta[i].size),
              std::vector<float>(tb[i].data, tb[i].data + tb[i].size))
        << ta[i].name << " " << ta[i].layer;
  }
  const CliRun bad = Flexcim(fmt::format("convert --model '{}' --dtype F8 --out '{}/x'",
                                              testdata::CheckedDataFile("stories260K.bin"), tmp));
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err, "flexcim convert: error: --dtype F8: must be F32, F16 or BF16\n");
  EXPECT_FALSE(fs::exists(tmp + "/x"));
}

TEST(HfCli, BadCheckpointIsOneLineAndWritesNothing) {
  const std::string tmp = testdata::MakeTempDir();
  const LlamaModel bin = LoadLlamaModel(testdata::CheckedDataFile("stories260K.bin"));
  std::string config = testhf::ConfigJson(bin, "LlamaForCausalLM");
  auto tensors = testhf::HfTensorsOf(bin, "F32");
  tensors.erase(tensors.begin() + 3);  // model.layers.0.self_attn.k_proj.weight
  testhf::WriteCheckpoint(tmp + "/hf", config, tensors);
  const CliRun p = Flexcim(fmt::format("prune --model '{}/hf' {} --quiet --out '{}/out'", tmp,
                                         TextFlags(), tmp));
  EXPECT_EQ(p.code, 1);
  EXPECT_EQ(p.err, fmt::format("flexcim prune: error: {}/hf/model.safetensors: missing tensor "
                               "model.layers.0.self_attn.k_proj.weight\n",
                               tmp));
  EXPECT_FALSE(fs::exists(tmp + "/out"));
  // No tokenizer.model or tokenizer.json in the directory and none given.
  const CliRun t = Flexcim(fmt::format("eval --model '{}/hf'", tmp));
  EXPECT_EQ(t.code, 2);
  EXPECT_EQ(t.err, fmt::format("flexcim eval: error: --model {}/hf: has no tokenizer.model or tokenizer.json; give "
                               "--tokenizer FILE or --token-ids FILE\n",
                               tmp));
  // --token-ids with --text is a usage error.
  const CliRun u = Flexcim(fmt::format("eval --model '{}/hf' --text x --token-ids y", tmp));
  EXPECT_EQ(u.code, 2);
  EXPECT_EQ(u.err, "flexcim eval: error: --token-ids y: replaces --tokenizer and --text; give one or the other\n");
}

}  // namespace
}  // namespace flexcim::pruner
