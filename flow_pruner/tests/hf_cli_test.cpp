// `flexcim prune` / `flexcim eval` on a Hugging Face directory through the
// real binary: the shipped model converted by the test code is pruned into
// a directory that is itself a checkpoint (config.json, model.safetensors
// in BF16) and evaluates like the pruned model; a bad checkpoint is one
// error line, exit 1, nothing written.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "flow_pruner/file_bytes.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/tests/hf_test_checkpoint.h"
#include "flow_pruner/tests/test_data.h"

#ifndef FLEXCIM_CLI
#error "FLEXCIM_CLI (path of the flexcim binary) must be defined by the build"
#endif

namespace flexcim::pruner {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

Outcome RunCli(const std::string& dir, const std::string& args) {
  const std::string cmd =
      fmt::format("'{}' {} > '{}/stdout' 2> '{}/stderr'", FLEXCIM_CLI, args, dir, dir);
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFileBytes(dir + "/stdout"),
          ReadFileBytes(dir + "/stderr")};
}

std::string TextFlags() {
  return fmt::format("--tokenizer '{}' --text '{}'", testdata::CheckedDataFile("tok512.bin"),
                     testdata::CheckedDataFile("tinystories-valid-head.txt"));
}

TEST(HfCli, PruneABf16CheckpointIntoACheckpointAndEvaluateIt) {
  const std::string tmp = testdata::MakeTempDir();
  const LlamaModel bin = LoadLlamaModel(testdata::CheckedDataFile("stories260K.bin"));
  testhf::WriteLlamaAsHf(bin, tmp + "/hf", "BF16");
  const Outcome p = RunCli(tmp, fmt::format("prune --model '{}/hf' {} --calib-blocks 0:31 "
                                         "--eval-blocks 0:9 --quiet --out '{}/out'",
                                         tmp, TextFlags(), tmp));
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.out.find("(Hugging Face LlamaForCausalLM (BF16))"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("wrote " + tmp + "/out/{layers.txt, prune.json, config.json, model.safetensors, "
                                        "pruned.flexcim}"),
            std::string::npos)
      << p.out;
  const auto j = nlohmann::json::parse(ReadFileBytes(tmp + "/out/prune.json"));
  EXPECT_EQ(j["model_format"], "Hugging Face LlamaForCausalLM (BF16)");
  // The output directory is a checkpoint: eval reads it and reproduces the
  // pruned perplexity prune reported.
  const Outcome e = RunCli(tmp, fmt::format("eval --model '{}/out' {} --blocks 0:9 --quiet --json '{}/e.json'",
                                         tmp, TextFlags(), tmp));
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const auto ej = nlohmann::json::parse(ReadFileBytes(tmp + "/e.json"));
  EXPECT_EQ(ej["perplexity"], j["evaluation"]["pruned"]["perplexity"]);
  EXPECT_EQ(ej["model_format"], "Hugging Face LlamaForCausalLM (BF16)");
}

TEST(HfCli, BadCheckpointIsOneLineAndWritesNothing) {
  const std::string tmp = testdata::MakeTempDir();
  const LlamaModel bin = LoadLlamaModel(testdata::CheckedDataFile("stories260K.bin"));
  std::string config = testhf::ConfigJson(bin, "LlamaForCausalLM");
  auto tensors = testhf::HfTensorsOf(bin, "F32");
  tensors.erase(tensors.begin() + 3);  // model.layers.0.self_attn.k_proj.weight
  testhf::WriteCheckpoint(tmp + "/hf", config, tensors);
  const Outcome p = RunCli(tmp, fmt::format("prune --model '{}/hf' {} --quiet --out '{}/out'", tmp,
                                         TextFlags(), tmp));
  EXPECT_EQ(p.exit_code, 1);
  EXPECT_EQ(p.err, fmt::format("flexcim prune: error: {}/hf/model.safetensors: missing tensor "
                               "model.layers.0.self_attn.k_proj.weight\n",
                               tmp));
  EXPECT_FALSE(fs::exists(tmp + "/out"));
  // --token-ids with --text is a usage error.
  const Outcome u = RunCli(tmp, fmt::format("eval --model '{}/hf' --text x --token-ids y", tmp));
  EXPECT_EQ(u.exit_code, 2);
  EXPECT_EQ(u.err, "flexcim eval: error: --token-ids y: replaces --tokenizer and --text; give one or the other\n");
}

}  // namespace
}  // namespace flexcim::pruner
