// Running the flexcim binary as users do, for the CLI tests: exit code,
// stdout and stderr of one command line, in a scratch directory.
#pragma once

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/subprocess.h"

#ifndef FLEXCIM_BIN
#error "FLEXCIM_BIN must be defined by the build"
#endif

namespace flexcim::testing {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

// A fresh directory under the system temp directory, removed afterwards.
class Scratch {
 public:
  Scratch()
      : dir_(std::filesystem::temp_directory_path() / fmt::format("flexcim_cli_test_{}_{}", getpid(), counter_++)) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~Scratch() { std::filesystem::remove_all(dir_); }
  const std::filesystem::path& path() const { return dir_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
};

inline std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `flexcim <args>` through the shell (args are not quoted again).
inline CliRun Flexcim(const std::string& args) {
  Scratch s;
  const std::string cmd = fmt::format("{} {} >{} 2>{}", ShellQuote(FLEXCIM_BIN), args,
                                      ShellQuote((s.path() / "out").string()),
                                      ShellQuote((s.path() / "err").string()));
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(s.path() / "out"), Slurp(s.path() / "err")};
}

}  // namespace flexcim::testing
