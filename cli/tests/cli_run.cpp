#include "cli/tests/cli_run.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/subprocess.h"

namespace flexcim::testing {

namespace fs = std::filesystem;

Scratch::Scratch() {
  static int counter = 0;
  dir_ = fs::temp_directory_path() / fmt::format("flexcim_cli_test_{}_{}", getpid(), counter++);
  fs::remove_all(dir_);
  fs::create_directories(dir_);
}

Scratch::~Scratch() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

fs::path SourceDir() {
  if (const char* env = std::getenv("FLEXCIM_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
  return FLEXCIM_SOURCE_DIR;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteBytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

namespace {

// `prefix` is shell text run before flexcim in the same shell.
CliRun RunFlexcim(const std::string& prefix, const std::string& args, int timeout_seconds) {
  Scratch s;
  const std::string cmd = fmt::format("{}timeout -k 5 {} {} {} >{} 2>{} </dev/null", prefix, timeout_seconds,
                                      ShellQuote(FLEXCIM_BIN), args, ShellQuote((s.path() / "out").string()),
                                      ShellQuote((s.path() / "err").string()));
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(s.path() / "out"), Slurp(s.path() / "err")};
}

}  // namespace

CliRun Flexcim(const std::string& args, const fs::path& cwd) {
  return RunFlexcim(cwd.empty() ? "" : fmt::format("cd {} && ", ShellQuote(cwd.string())), args, 300);
}

CliRun FlexcimOnFullDisk(const std::string& args, uint64_t max_file_bytes, int timeout_seconds) {
  // sh's ulimit -f counts 512-byte blocks.
  return RunFlexcim(fmt::format("trap '' XFSZ && ulimit -f {} && ", (max_file_bytes + 511) / 512), args,
                    timeout_seconds);
}

pruner::PrunedContainer SmallContainer() {
  pruner::PrunedContainer c;
  c.config = MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 1, .a_bits = 8, .w_bits = 8});
  c.method = "uniform";
  pruner::PrunedLayer l;
  l.block = 0;
  l.name = "wq";
  l.rows = 4;
  l.cols = 8;
  l.pattern = {2, 4};
  for (int o = 0; o < 4; ++o) {
    for (int i = 0; i < 8; ++i) {
      const bool keep = (i % 4) == (o % 4) || (i % 4) == ((o + 1) % 4);
      l.mask.push_back(keep ? 1 : 0);
      l.weights.push_back(keep ? static_cast<int16_t>(10 * o - i) : 0);
    }
    l.scales.push_back(0.01f);
  }
  c.layers.push_back(l);
  return c;
}

}  // namespace flexcim::testing
