// core/subprocess: processes start from an argument vector (no shell sees
// the values), exit statuses and signals are reported, the log and file
// redirections work, a missing program is named.
#include "core/subprocess.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace flexcim {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Subprocess, ArgumentsReachTheProgramVerbatimWithoutAShell) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("flexcim_subprocess_{}", getpid());
  fs::create_directories(dir);
  const fs::path marker = dir / "touched";
  // Shell syntax in an argument is just bytes: nothing is run, nothing created.
  const ProcessResult r = RunProcess(
      {.argv = {"printf", "%s|", "a b", "4242; touch " + marker.string(), "$(touch " + marker.string() + ")", "'\"`"}});
  EXPECT_TRUE(r.status.ok());
  EXPECT_EQ(r.out, fmt::format("a b|4242; touch {0}|$(touch {0})|'\"`|", marker.string()));
  EXPECT_FALSE(fs::exists(marker));
  fs::remove_all(dir);
}

TEST(Subprocess, ExitCodesSignalsAndMissingProgramsAreReported) {
  EXPECT_EQ(RunProcess({.argv = {"false"}}).status.Describe(), "exit 1");
  // A child killed by a signal (it kills itself: its own process group).
  const ProcessResult killed = RunProcess({.argv = {"kill", "-KILL", "0"}});
  EXPECT_EQ(killed.status.signal, 9);
  EXPECT_EQ(killed.status.Describe(), "killed by SIGKILL");
  try {
    RunProcess({.argv = {"flexcim-no-such-tool"}});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "flexcim-no-such-tool: not found on PATH");
  }
}

TEST(Subprocess, LogAndStdoutFileRedirections) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("flexcim_subprocess_log_{}", getpid());
  fs::create_directories(dir);
  RunLogged({"printf", "one\n"}, dir / "tool.log", "printf");
  RunLogged({"printf", "two\n"}, dir / "tool.log", "printf");
  EXPECT_EQ(Slurp(dir / "tool.log"), "one\ntwo\n");
  try {
    RunLogged({"ls", (dir / "missing").string()}, dir / "ls.log", "listing");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(fmt::format("listing failed (exit 2); last lines of {}:", (dir / "ls.log").string()), 0), 0u)
        << e.what();
  }
  const ProcessResult r = RunProcess({.argv = {"printf", "data"}, .cwd = {}, .log = dir / "err.log", .stdout_file = dir / "out"});
  EXPECT_TRUE(r.status.ok());
  EXPECT_EQ(Slurp(dir / "out"), "data");
  const ProcessResult here = RunProcess({.argv = {"pwd"}, .cwd = dir});
  EXPECT_EQ(here.out, fs::canonical(dir).string() + "\n");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace flexcim
