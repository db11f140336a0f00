// Test helper: runs Yosys on a script in a fresh temporary directory.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace flexcim::synth::testing {

struct YosysRun {
  bool ok = false;
  std::string log;
  std::filesystem::path dir;
};

// Writes `files` (name -> text) and script.ys into a new temp dir under
// $TMPDIR and runs `yosys -s script.ys`. The directory is removed
// afterwards unless FLEXCIM_KEEP_TEST_DIRS is set.
YosysRun RunYosys(const std::string& tag, const std::vector<std::pair<std::string, std::string>>& files,
                  const std::string& script);

}  // namespace flexcim::synth::testing
