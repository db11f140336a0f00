// TestbenchBuild: verilates a generated design directory together with the
// project's generic C++ testbench (verif/verify_tb_main.cpp) through
// Verilator's CMake package, in a work directory, for ANY configuration.
// The user never edits CMake: this writes a small CMake project and builds it.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace flexcim::verif {

struct TestbenchBuildOptions {
  std::filesystem::path rtl_dir;    // holds manifest.json and the .v files
  std::filesystem::path work_dir;   // CMake project + build tree go here
  std::string top = "flexcim_top";
  std::function<void(const std::string&)> progress;  // one line per step
};

// Returns the path of the built testbench executable. Throws flexcim::Error
// with the last lines of the tool's log and the log path on failure.
std::filesystem::path BuildTestbench(const TestbenchBuildOptions& options);

}  // namespace flexcim::verif
