// `flexcim prune` bad inputs through the real binary: each is one exact
// error line on stderr, exit code 2, and nothing is written to --out. And
// `flexcim eval --pruned DIR [--on-macro]`: the fake-quantised model and the
// same model with every pruned layer on the golden macro give the same
// perplexity on the held-out blocks, and its bad inputs.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "flow_pruner/file_bytes.h"
#include "flow_pruner/tests/test_data.h"

#ifndef FLEXCIM_CLI
#error "FLEXCIM_CLI (path of the flexcim binary) must be defined by the build"
#endif

namespace flexcim::pruner {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string stdout_text;
  std::string stderr_text;
};

class PruneCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testdata::MakeTempDir();
    out_ = dir_ + "/out";
    model_ = fmt::format("--model '{}'", testdata::CheckedDataFile("stories260K.bin"));
    data_ = fmt::format("--tokenizer '{}' --text '{}'", testdata::CheckedDataFile("tok512.bin"),
                        testdata::CheckedDataFile("tinystories-valid-head.txt"));
  }
  // eval --pruned takes its model from the prune output.
  Outcome Prune(const std::string& flags) { return Run("prune", model_ + " " + flags); }
  Outcome Run(const std::string& command, const std::string& flags) {
    const std::string cmd = fmt::format("'{}' {} {} {} --quiet > '{}/stdout' 2> '{}/stderr'",
                                        FLEXCIM_CLI, command, data_, flags, dir_, dir_);
    const int status = std::system(cmd.c_str());
    Outcome o;
    o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o.stdout_text = ReadFileBytes(dir_ + "/stdout");
    o.stderr_text = ReadFileBytes(dir_ + "/stderr");
    return o;
  }
  // Runs `flags`, expects exit 2 with exactly `message` and no --out.
  void ExpectUsageError(const std::string& flags, const std::string& message,
                        const std::string& command = "prune") {
    const Outcome o = command == "prune" ? Prune(flags) : Run(command, flags);
    EXPECT_EQ(o.exit_code, 2) << flags;
    EXPECT_EQ(o.stderr_text, "flexcim " + command + ": error: " + message + "\n") << flags;
    EXPECT_EQ(o.stdout_text, "") << flags;
    EXPECT_FALSE(fs::exists(out_)) << flags;
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      EXPECT_TRUE(name == "stdout" || name == "stderr" || keep_.count(name)) << "left behind: " << name;
    }
  }
  std::string dir_, out_, data_, model_;
  std::set<std::string> keep_;  // entries of dir_ a test made on purpose
};

// The perplexity line of `flexcim eval` without its timing: "... perplexity X.XXXX".
std::string PerplexityLine(const std::string& out) {
  const size_t at = out.find("): mean NLL ");
  if (at == std::string::npos) return "no perplexity line in: " + out;
  const size_t end = out.find(" (", out.find("perplexity ", at));
  return out.substr(at, end - at);
}

TEST_F(PruneCli, MissingOut) {
  ExpectUsageError("--target 0.5",
                   "the option '--out' is required but missing (see 'flexcim prune --help')");
}

TEST_F(PruneCli, UnknownMethod) {
  ExpectUsageError("--method bogus --out " + out_,
                   "--method bogus: must be one of flow, flow-measured, uniform, owl, search");
}

TEST_F(PruneCli, UnknownReconstruction) {
  ExpectUsageError("--reconstruct gptq --out " + out_,
                   "--reconstruct gptq: must be one of none, obs");
  ExpectUsageError("--method search --search-samples 0 --out " + out_,
                   "--search-samples 0: must be >= 1");
  ExpectUsageError("--method search --search-moves 0 --out " + out_, "--search-moves 0: must be >= 1");
  ExpectUsageError("--method uniform --nm 2:4 --search-score-blocks 3000:3099 --out " + out_,
                   "--search-score-blocks 3000:3099: only with --method search");
  ExpectUsageError("--method search --search-score-blocks 200:300 --out " + out_,
                   "--search-score-blocks 200:300 overlaps --calib-blocks 0:255: the score blocks must be text "
                   "neither calibrated on nor evaluated");
  ExpectUsageError("--method search --search-score-blocks 3000:3300 --out " + out_,
                   "--search-score-blocks 3000:3300 overlaps --eval-blocks 3300:4299: the score blocks must be "
                   "text neither calibrated on nor evaluated");
  ExpectUsageError("--method search --search-score-blocks 3300:3399 --no-eval --out " + out_,
                   "--search-score-blocks 3300:3399 overlaps --eval-blocks 3300:4299: the score blocks must be "
                   "text neither calibrated on nor evaluated");
  ExpectUsageError("--method search --search-score-blocks abc --out " + out_,
                   "--search-score-blocks 'abc': must be A:B with integers 0 <= A <= B < 4300 (inclusive, e.g. 3300:4299)");
  ExpectUsageError("--method search --search-score-blocks 4300 --out " + out_,
                   "--search-score-blocks '4300' is out of range: the text has 4300 blocks, valid indices 0..4299");
  ExpectUsageError("--calib-blocks 0:x --out " + out_,
                   "--calib-blocks '0:x': must be A:B with integers 0 <= A <= B < 4300 (inclusive, e.g. 3300:4299)");
  ExpectUsageError("--eval-blocks 9:8 --out " + out_, "--eval-blocks '9:8' is empty: 9 > 8 (the text has 4300 blocks)");
  ExpectUsageError("--method search --search-score-blocks 3000 --eval-blocks 3000 --out " + out_,
                   "--search-score-blocks 3000:3000 overlaps --eval-blocks 3000:3000: the score blocks must be "
                   "text neither calibrated on nor evaluated");
  ExpectUsageError("--method search --search-granularity head --out " + out_,
                   "--search-granularity head: must be one of block, layer");
  ExpectUsageError("--obs-reselect -1 --out " + out_, "--obs-reselect -1: must be >= 0");
  ExpectUsageError("--permute-channels greedy --out " + out_,
                   "--permute-channels greedy: must be one of none, rows, inputs, both");
  ExpectUsageError("--report --report-reconstruct none,gptq --out " + out_,
                   "--report-reconstruct none,gptq: 'gptq' must be one of none, obs");
}

TEST_F(PruneCli, SelectionChoicesOutsideTheirSets) {
  ExpectUsageError("--locality-direction up --out " + out_,
                   "--locality-direction up: must be one of code, figure");
  ExpectUsageError("--prioritize speed --out " + out_,
                   "--prioritize speed: must be one of accuracy, latency, balanced");
  ExpectUsageError("--report --prioritize latency --out " + out_,
                   "--report: --prioritize does not apply (the report runs every method, selection "
                   "choice, target and mask)");
}

TEST_F(PruneCli, TargetOutOfRange) {
  ExpectUsageError("--target 1.5 --out " + out_, "--target 1.5: must be in [0, 1)");
}

TEST_F(PruneCli, KeepDenseBlockOutOfRange) {
  ExpectUsageError("--keep-dense 9 --out " + out_,
                   "--keep-dense 9: '9' must be first, last or a block index in [0, 4]");
}

TEST_F(PruneCli, SelectGroupNotAPowerOfTwo) {
  ExpectUsageError("--select-group 3 --out " + out_,
                   "--select-group 3: must be a power of two in [1, 16]");
}

TEST_F(PruneCli, PatternTheMacroCannotRun) {
  ExpectUsageError("--method uniform --nm 2:16 --out " + out_,
                   "--nm 2:16: macro p4_r16_c16_g16_a8_w8 cannot run it (it runs N:M with M in "
                   "{2..8}, N in {1..4}, both powers of two, N <= M; N = M runs as 2:2)");
}

TEST_F(PruneCli, InfeasibleTargetWithoutAllowNearest) {
  ExpectUsageError("--target 0.66 --candidates 2:4,4:4,2:8,4:8,8:8 --no-eval --out " + out_,
                   "--target 0.66: no assignment reaches it exactly; the closest achievable mean "
                   "sparsity is 0.650000 with 2:4,2:4,2:8,2:8,2:8 (pass --allow-nearest to use it)");
}

TEST_F(PruneCli, ReportRejectsFlagsItOverrides) {
  ExpectUsageError("--report --nm 2:4 --out " + out_,
                   "--report: --nm does not apply (the report runs every method, selection choice, "
                   "target and mask)");
  ExpectUsageError("--report --target 0.75 --out " + out_,
                   "--report: --target does not apply (the report runs every method, selection "
                   "choice, target and mask)");
  ExpectUsageError("--report --report-groups 1,3 --out " + out_,
                   "--report-groups 1,3: '3' must be a power of two in [1, 16]");
  ExpectUsageError("--report --report-targets 0.5,1 --out " + out_,
                   "--report-targets 0.5,1: '1' must be a sparsity in [0, 1)");
}

// The held-out blocks: the W8A8 fake-quantised pruned model and the same
// forward pass with all 35 pruned layers on the golden macro's tiles print
// the same perplexity, and the NLL sums are bit-identical.
TEST_F(PruneCli, EvalOnMacroEqualsFakeQuantisedOnHeldOutBlocks) {
  const std::string pruned = dir_ + "/pruned";
  ASSERT_EQ(Prune("--target 0.5 --calib-blocks 0:63 --no-eval --out " + pruned).exit_code, 0);
  const Outcome fake = Run("eval", fmt::format("--pruned '{}' --blocks 3300:4299 --json '{}/fake.json'",
                                               pruned, dir_));
  ASSERT_EQ(fake.exit_code, 0) << fake.stderr_text;
  const Outcome macro = Run("eval", fmt::format("--pruned '{}' --blocks 3300:4299 --on-macro "
                                                "--json '{}/macro.json'", pruned, dir_));
  ASSERT_EQ(macro.exit_code, 0) << macro.stderr_text;
  EXPECT_EQ(PerplexityLine(fake.stdout_text), PerplexityLine(macro.stdout_text));
  EXPECT_NE(PerplexityLine(fake.stdout_text).find("over 96446 predictions, perplexity "),
            std::string::npos) << fake.stdout_text;
  EXPECT_NE(fake.stdout_text.find(pruned + ": W8A8 fake-quantised\n"), std::string::npos);
  EXPECT_NE(macro.stdout_text.find(pruned + ": on macro p4_r16_c16_g16_a8_w8 (golden fast path, "
                                   "W8A8 integer tiles)\n"), std::string::npos);
  const auto fj = nlohmann::json::parse(ReadFileBytes(dir_ + "/fake.json"));
  const auto mj = nlohmann::json::parse(ReadFileBytes(dir_ + "/macro.json"));
  EXPECT_EQ(fj.at("total_nll").get<double>(), mj.at("total_nll").get<double>());
}

TEST_F(PruneCli, EvalOnMacroBadInputs) {
  keep_ = {"small", "free"};
  ASSERT_EQ(Prune("--subs 2 --rows 4 --cols 4 --calib-blocks 0:7 --no-eval --out " + dir_ + "/small").exit_code, 0);
  ExpectUsageError(fmt::format("--pruned '{}/small' --on-macro", dir_),
                   fmt::format("--on-macro: {}/small was pruned for macro p2_r4_c4_g4_a8_w8, the "
                               "target macro is p4_r16_c16_g16_a8_w8 (pass the prune's macro "
                               "flags, --subs 2 --rows 4 --cols 4 --sel-group 4 --a-bits 8 "
                               "--w-bits 8, or prune for the target)", dir_),
                   "eval");
  ASSERT_EQ(Prune("--free-masks --calib-blocks 0:7 --no-eval --out " + dir_ + "/free").exit_code, 0);
  ExpectUsageError(fmt::format("--pruned '{}/free' --on-macro", dir_),
                   fmt::format("--on-macro: {}/free has free masks (--free-masks), not legal for "
                               "macro p4_r16_c16_g16_a8_w8: prune with hardware-legal masks", dir_),
                   "eval");
  ExpectUsageError("--on-macro", "--on-macro: needs --pruned DIR", "eval");
}

TEST_F(PruneCli, HelpDescribesTheReport) {
  const Outcome o = Prune("--help");
  EXPECT_EQ(o.exit_code, 0);
  for (const char* flag : {"--report ", "--report-targets", "--report-groups", "--report-no-free",
                           "--locality-direction", "--prioritize", "flow-measured", "--eval-blocks",
                           "--select-group", "--free-masks", "--keep-dense", "--allow-nearest",
                           "--candidates", "--out"}) {
    EXPECT_NE(o.stdout_text.find(flag), std::string::npos) << flag;
  }
  EXPECT_FALSE(fs::exists(out_));
}

}  // namespace
}  // namespace flexcim::pruner
