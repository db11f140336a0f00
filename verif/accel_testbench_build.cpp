#include "verif/accel_testbench_build.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/json_input.h"
#include "verif/testbench_build.h"

#ifndef FLEXCIM_SOURCE_DIR
#error "FLEXCIM_SOURCE_DIR must be defined by the build"
#endif

namespace flexcim::verif {

namespace fs = std::filesystem;

fs::path BuildAccelTestbench(const fs::path& rtl_dir, const fs::path& work_dir,
                             const std::function<void(const std::string&)>& progress) {
  RequireCMakeSafePath("testbench work directory", fs::absolute(work_dir));
  RequireCMakeSafePath("design directory", fs::absolute(rtl_dir));
  const fs::path manifest_path = rtl_dir / "manifest.json";
  const nlohmann::json manifest = ReadJsonFile(manifest_path);
  if (!manifest.contains("accel") || !manifest["accel"].contains("top") || !manifest["accel"].contains("files")) {
    throw Error(fmt::format("{}: no \"accel\" object with \"top\" and \"files\": not a `flexcim gen --accel` design",
                            manifest_path.string()));
  }
  const std::string top = manifest["accel"]["top"].get<std::string>();
  std::string sources;
  for (const auto& f : manifest["accel"]["files"]) {
    const std::string name = f.get<std::string>();
    if (name.find('/') != std::string::npos || !name.ends_with(".v")) {
      throw Error(fmt::format("{}: accel file '{}' is not a .v file of the design directory", manifest_path.string(),
                              name));
    }
    sources += fmt::format("\n  \"{}\"", fs::absolute(rtl_dir / name).string());
  }
  const std::string cmake = fmt::format(
      R"(# Written by flexcim: verilates {rtl} with the accelerator testbench.
cmake_minimum_required(VERSION 3.25)
project(flexcim_accel_testbench CXX)
set(CMAKE_CXX_STANDARD 20)
find_package(verilator REQUIRED HINTS $ENV{{VERILATOR_ROOT}})
find_package(fmt REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Threads REQUIRED)
add_executable(flexcim_accel_tb "{src}/verif/accel_tb_main.cpp")
target_include_directories(flexcim_accel_tb PRIVATE "{src}")
target_link_libraries(flexcim_accel_tb PRIVATE fmt::fmt nlohmann_json::nlohmann_json Threads::Threads)
verilate(flexcim_accel_tb
  SOURCES{sources}
  TOP_MODULE {top}
  PREFIX Vaccel_top
  VERILATOR_ARGS -Wall --x-assign unique --x-initial unique --timescale 1ns/1ns
  OPT_FAST -O1
  OPT_SLOW -O0
  OPT_GLOBAL -Os)
)",
      fmt::arg("rtl", rtl_dir.string()), fmt::arg("src", FLEXCIM_SOURCE_DIR), fmt::arg("sources", sources),
      fmt::arg("top", top));
  const fs::path build = work_dir / "build";
  BuildCMakeProject(work_dir, build, cmake, {"-DCMAKE_BUILD_TYPE=Release"},
                    fmt::format("verilating {} with CMake in {}", top, build.string()), progress);
  return build / "flexcim_accel_tb";
}

}  // namespace flexcim::verif
