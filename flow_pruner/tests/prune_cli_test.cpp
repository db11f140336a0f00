// `flexcim prune` bad inputs through the real binary: each is one exact
// error line on stderr, exit code 2, and nothing is written to --out.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

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
    data_ = fmt::format("--model '{}' --tokenizer '{}' --text '{}'",
                        testdata::CheckedDataFile("stories260K.bin"),
                        testdata::CheckedDataFile("tok512.bin"),
                        testdata::CheckedDataFile("tinystories-valid-head.txt"));
  }
  Outcome Prune(const std::string& flags) {
    const std::string cmd = fmt::format("'{}' prune {} {} --quiet > '{}/stdout' 2> '{}/stderr'",
                                        FLEXCIM_CLI, data_, flags, dir_, dir_);
    const int status = std::system(cmd.c_str());
    Outcome o;
    o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o.stdout_text = ReadFileBytes(dir_ + "/stdout");
    o.stderr_text = ReadFileBytes(dir_ + "/stderr");
    return o;
  }
  // Runs `flags`, expects exit 2 with exactly `message` and no --out.
  void ExpectUsageError(const std::string& flags, const std::string& message) {
    const Outcome o = Prune(flags);
    EXPECT_EQ(o.exit_code, 2) << flags;
    EXPECT_EQ(o.stderr_text, "flexcim prune: error: " + message + "\n") << flags;
    EXPECT_EQ(o.stdout_text, "") << flags;
    EXPECT_FALSE(fs::exists(out_)) << flags;
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      EXPECT_TRUE(name == "stdout" || name == "stderr") << "left behind: " << name;
    }
  }
  std::string dir_, out_, data_;
};

TEST_F(PruneCli, MissingOut) {
  ExpectUsageError("--target 0.5",
                   "the option '--out' is required but missing (see 'flexcim prune --help')");
}

TEST_F(PruneCli, UnknownMethod) {
  ExpectUsageError("--method bogus --out " + out_, "--method bogus: must be one of flow, uniform, owl");
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
                   "--report: --nm does not apply (the report runs every method, target and mask)");
  ExpectUsageError("--report --target 0.75 --out " + out_,
                   "--report: --target does not apply (the report runs every method, target and mask)");
  ExpectUsageError("--report --report-groups 1,3 --out " + out_,
                   "--report-groups 1,3: '3' must be a power of two in [1, 16]");
  ExpectUsageError("--report --report-targets 0.5,1 --out " + out_,
                   "--report-targets 0.5,1: '1' must be a sparsity in [0, 1)");
}

TEST_F(PruneCli, HelpDescribesTheReport) {
  const Outcome o = Prune("--help");
  EXPECT_EQ(o.exit_code, 0);
  for (const char* flag : {"--report ", "--report-targets", "--report-groups", "--eval-blocks",
                           "--select-group", "--free-masks", "--keep-dense", "--allow-nearest",
                           "--candidates", "--out"}) {
    EXPECT_NE(o.stdout_text.find(flag), std::string::npos) << flag;
  }
  EXPECT_FALSE(fs::exists(out_));
}

}  // namespace
}  // namespace flexcim::pruner
