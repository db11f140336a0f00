// Test helper: runs Yosys on a script in a fresh temporary directory.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/macro_config.h"

namespace flexcim::synth::testing {

struct YosysRun {
  bool ok = false;
  std::string log;
  std::filesystem::path dir;
  std::map<std::string, std::string> outputs;  // file name -> text, of the files asked for
};

// Writes `files` (name -> text) and script.ys into a new temp dir under
// $TMPDIR and runs `yosys -s script.ys`. The directory is removed
// afterwards unless FLEXCIM_KEEP_TEST_DIRS is set.
// What `sat -verify` prints when a proof holds.
inline constexpr char kProved[] = "SUCCESS!";

// The text of one module of the generated FlexCiM design (an ADD_FAILURE
// and "" when the generator emits no such file).
std::string GeneratedModule(const MacroConfig& config, const std::string& module);
// Every file of the generated FlexCiM design, in compile order.
std::string GeneratedDesignText(const MacroConfig& config);

// The last `chars` characters of a log, for failure messages.
std::string LogTail(const std::string& log, size_t chars = 3000);

// A bounded sequential equivalence check: read_verilog each of `reads`
// (a file name, "-formal <file>" for one with assume statements), then
// `miter -equiv -flatten -make_assert gold gate miter` and `sat -verify
// -prove-asserts -set-assumes -seq <steps> -set-init-zero miter`.
std::string SequentialMiterScript(const std::vector<std::string>& reads, const std::string& gold,
                                  const std::string& gate, int steps);

// gtest checks of a run: the proof held / the proof failed.
void ExpectProved(const YosysRun& run, const std::string& what);
void ExpectProofFails(const YosysRun& run);

// `outputs`: files the script writes whose text the run keeps (in
// YosysRun::outputs) before the directory is removed.
YosysRun RunYosys(const std::string& tag, const std::vector<std::pair<std::string, std::string>>& files,
                  const std::string& script, const std::vector<std::string>& outputs = {});

}  // namespace flexcim::synth::testing
