// Running the flexcim binary from tests: exit code, stdout, stderr; a
// scratch directory removed afterwards; a small hardware-legal container.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "flow_pruner/pruned_container.h"

namespace flexcim::testing {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

class Scratch {
 public:
  Scratch();
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  const std::filesystem::path& path() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

// The repository root: $FLEXCIM_SOURCE_DIR (set by ctest), else the one
// this build was configured from.
std::filesystem::path SourceDir();

std::string Slurp(const std::filesystem::path& p);
// Writes `bytes` as the whole content of `p` (created or truncated).
void WriteBytes(const std::filesystem::path& p, const std::string& bytes);

// `flexcim <args>` through the shell (args are shell words), in `cwd` when
// given, stdin from /dev/null, killed after 300 s (a hang fails the test).
CliRun Flexcim(const std::string& args, const std::filesystem::path& cwd = {});

// `flexcim <args>` as a full disk sees it: every file it and its children
// write stops at `max_file_bytes` (RLIMIT_FSIZE with SIGXFSZ ignored, which
// survive exec: a write past the limit fails with EFBIG, "File too large"),
// killed after `timeout_seconds`.
CliRun FlexcimOnFullDisk(const std::string& args, uint64_t max_file_bytes, int timeout_seconds);

// A 2:4 layer 0.wq (4 outputs x 8 inputs) for a P=2, R=2, C=2, G=1 macro.
pruner::PrunedContainer SmallContainer();

}  // namespace flexcim::testing
