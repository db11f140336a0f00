// BuildAccelTestbench: verilates an accelerator design directory (`flexcim
// gen --accel`: its manifest's "accel" object names the top and the files)
// with the accelerator testbench (verif/accel_tb_main.cpp) through
// Verilator's CMake package in a reused work directory, like
// BuildTestbench does for a macro.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace flexcim::verif {

// Returns the testbench executable. Throws flexcim::Error (the tool's last
// log lines and the log path) on failure, or naming the manifest key.
std::filesystem::path BuildAccelTestbench(const std::filesystem::path& rtl_dir,
                                          const std::filesystem::path& work_dir,
                                          const std::function<void(const std::string&)>& progress);

}  // namespace flexcim::verif
