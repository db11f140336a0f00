// TestbenchBuild: verilates a generated design directory together with the
// project's generic C++ testbench (verif/verify_tb_main.cpp) through
// Verilator's CMake package, in a work directory, for ANY configuration of
// any architecture (the manifest gives the top module, arch and cell style).
// The user never edits CMake: this writes a small CMake project and builds it.
//
// The build is reused: the CMake project is rewritten only when its text
// changes, configure runs only for a new build tree, and `cmake --build`
// then re-verilates and recompiles only what changed (keep the design's
// files untouched when they are byte-identical, see WriteDesignIfChanged),
// so a second run of the same configuration only re-runs the simulation.
// Each waveform format has its own build tree (build/, build-vcd/,
// build-fst/): tracing is compiled into the model only when asked for.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace flexcim::verif {

// Exit codes of the generic testbench (and of `flexcim verify`).
inline constexpr int kTestbenchPassed = 0;
inline constexpr int kTestbenchFailed = 1;    // bad manifest or stimulus, I/O, ...
inline constexpr int kTestbenchUsage = 2;
inline constexpr int kTestbenchMismatch = 3;  // the RTL and the golden model disagree

// True when the testbench's stdout ends with its summary: a line
// "verified N vectors, ..." with N >= 1 and, last, "<design>: N cycles, ...".
// A run that exits 0 without them compared nothing.
inline bool HasTestbenchSummary(std::string_view out, std::string_view design) {
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.remove_suffix(1);
  const size_t nl = out.rfind('\n');
  const std::string_view last = nl == std::string_view::npos ? out : out.substr(nl + 1);
  const std::string prefix = std::string(design) + ": ";
  if (last.substr(0, prefix.size()) != prefix || last.find(" cycles") == std::string_view::npos) return false;
  const size_t v = out.substr(0, 9) == "verified " ? 0 : out.find("\nverified ");
  if (v == std::string_view::npos) return false;
  const std::string_view count = out.substr(v + (v == 0 ? 9 : 10));
  return !count.empty() && count[0] >= '1' && count[0] <= '9';
}

// The line Verilator prints when the design executes $finish, or "": the
// design ended the simulation itself, so the comparison cannot be trusted.
inline std::string_view VerilogFinishLine(std::string_view output) {
  const size_t at = output.find(": Verilog $finish");
  if (at == std::string_view::npos) return {};
  const size_t begin = output.rfind('\n', at);
  const size_t end = output.find('\n', at);
  const size_t b = begin == std::string_view::npos ? 0 : begin + 1;
  return output.substr(b, (end == std::string_view::npos ? output.size() : end) - b);
}

// The waveform format a path asks for by its extension: "vcd", "fst", or ""
// (neither).
inline std::string WaveformFormatOf(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".vcd") return "vcd";
  if (ext == ".fst") return "fst";
  return "";
}

// Throws UsageError "FLAG PATH: contains 'C', which the testbench's CMake
// project cannot hold in a path; choose another directory" for a path
// with a character CMake would read as syntax (" \ $ ; or a control
// character), before anything is built.
void RequireCMakeSafePath(const std::string& flag, const std::filesystem::path& path);

// Writes `cmake_lists` as WORK/CMakeLists.txt (only when its text changed,
// so CMake re-configures only for a change), configures `build_dir` once
// with `configure_args` (e.g. -DNAME=VALUE), then builds it incrementally;
// both steps are logged to WORK/build.log and started from an argument
// vector. Throws flexcim::Error with the log's last lines on failure.
// Shared by every testbench the project verilates at run time.
void BuildCMakeProject(const std::filesystem::path& work_dir, const std::filesystem::path& build_dir,
                       const std::string& cmake_lists, const std::vector<std::string>& configure_args,
                       const std::string& configure_note, const std::function<void(const std::string&)>& progress);

struct TestbenchBuildOptions {
  std::filesystem::path rtl_dir;    // holds manifest.json and the .v files
  std::filesystem::path work_dir;   // CMake project + build trees go here
  std::string trace_format = "";    // "", "vcd" or "fst": verilate with waveform support
  // Optimisation of the model's evaluation code (Verilator's OPT_FAST):
  // "-O2" for long simulations; "-O0" compiles the default macro in seconds
  // instead of minutes, for short replays (the energy command's traces).
  std::string model_opt = "-O2";
  std::function<void(const std::string&)> progress;  // one line per step
};

// Returns the path of the built testbench executable. Throws flexcim::Error
// with the last lines of the tool's log and the log path on failure.
std::filesystem::path BuildTestbench(const TestbenchBuildOptions& options);

}  // namespace flexcim::verif
