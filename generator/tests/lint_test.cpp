// Every snapshot configuration's generated Verilog (FlexCiM and the
// baselines) is lint-clean:
// `verilator --lint-only -Wall` prints nothing and exits 0 (no lint_off
// pragmas anywhere), and Yosys 0.23 elaborates it
// (read_verilog -sv; hierarchy -top <top>; proc; check -assert).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

#include "generator/baseline_generator.h"
#include "generator/design_writer.h"
#include "generator/flexcim_generator.h"
#include "generator/tests/scratch_dir.h"
#include "generator/tests/test_configs.h"

namespace flexcim::gen {
namespace {

struct CommandResult {
  int exit_code;
  std::string output;  // stdout and stderr
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result{-1, ""};
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) result.output += buffer.data();
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// " 'dir/a.v' 'dir/b.v'" for the shell, or unquoted for a Yosys script
// (scratch paths hold no spaces).
std::string FileList(const GeneratedDesign& design, const std::filesystem::path& dir,
                     bool shell_quoted) {
  std::string files;
  for (const GeneratedFile& f : design.files) {
    const std::string path = (dir / f.name).string();
    files += shell_quoted ? fmt::format(" '{}'", path) : fmt::format(" {}", path);
  }
  return files;
}

// verilator --lint-only -Wall: silent, exit 0, no lint_off pragmas.
void ExpectVerilatorSilent(const GeneratedDesign& design) {
  testing::ScratchDir scratch("lint");
  const auto dir = scratch.path() / "rtl";
  WriteDesign(design, dir);
  for (const GeneratedFile& f : design.files) {
    EXPECT_EQ(f.text.find("lint_off"), std::string::npos) << f.name;
  }
  const CommandResult r = RunCommand(fmt::format("'{}' --lint-only -Wall --top-module {}{}",
                                          FLEXCIM_VERILATOR_BIN, design.top,
                                          FileList(design, dir, true)));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "");
}

// Yosys 0.23: read_verilog -sv (latch storage uses always_latch); hierarchy
// -check; proc; check -assert, silent.
void ExpectYosysClean(const GeneratedDesign& design) {
#ifndef FLEXCIM_YOSYS_BIN
  (void)design;
  GTEST_SKIP() << "yosys not found at configure time";
#else
  testing::ScratchDir scratch("yosys");
  const auto dir = scratch.path() / "rtl";
  WriteDesign(design, dir);
  const CommandResult r = RunCommand(fmt::format(
      "'{}' -q -p \"read_verilog -sv{}; hierarchy -check -top {}; proc; check -assert\"",
      FLEXCIM_YOSYS_BIN, FileList(design, dir, false), design.top));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
#endif
}

class LintTest : public ::testing::TestWithParam<MacroConfig> {};

TEST_P(LintTest, VerilatorWallIsSilent) { ExpectVerilatorSilent(GenerateFlexcim(GetParam())); }

TEST_P(LintTest, YosysElaboratesAndChecks) { ExpectYosysClean(GenerateFlexcim(GetParam())); }

INSTANTIATE_TEST_SUITE_P(Configs, LintTest, ::testing::ValuesIn(testing::SnapshotConfigs()),
                         [](const ::testing::TestParamInfo<MacroConfig>& info) {
                           return info.param.Name();
                         });

class BaselineLintTest : public ::testing::TestWithParam<BaselineConfig> {};

TEST_P(BaselineLintTest, VerilatorWallIsSilent) {
  ExpectVerilatorSilent(GenerateBaseline(GetParam()));
}

TEST_P(BaselineLintTest, YosysElaboratesAndChecks) {
  ExpectYosysClean(GenerateBaseline(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Baselines, BaselineLintTest,
                         ::testing::ValuesIn(testing::BaselineSnapshotConfigs()),
                         [](const ::testing::TestParamInfo<BaselineConfig>& info) {
                           return info.param.QualifiedName();
                         });

}  // namespace
}  // namespace flexcim::gen
