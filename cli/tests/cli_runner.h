// Running the flexcim binary in tests: exit code, stdout, stderr; a scratch
// directory per test. FLEXCIM_BIN is the binary's path (set by CMake).
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

namespace flexcim {

namespace fs = std::filesystem;

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

class Scratch {
 public:
  Scratch() : dir_(fs::temp_directory_path() / fmt::format("flexcim_cli_test_{}_{}", getpid(), counter_++)) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~Scratch() { fs::remove_all(dir_); }
  const fs::path& path() const { return dir_; }

 private:
  static inline int counter_ = 0;
  fs::path dir_;
};

inline std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline CliRun Flexcim(const std::string& args) {
  Scratch s;
  const std::string cmd = fmt::format("{} {} >{} 2>{}", ShellQuote(FLEXCIM_BIN), args,
                                      ShellQuote((s.path() / "out").string()),
                                      ShellQuote((s.path() / "err").string()));
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(s.path() / "out"), Slurp(s.path() / "err")};
}

}  // namespace flexcim
