#include "verif/testbench_build.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/design_manifest.h"
#include "core/errors.h"
#include "core/subprocess.h"
#include "testbench_paths.h"  // generated: FLEXCIM_TB_LINK_LIBS

#ifndef FLEXCIM_SOURCE_DIR
#error "FLEXCIM_SOURCE_DIR must be defined by the build"
#endif

namespace flexcim::verif {

namespace fs = std::filesystem;

namespace {

std::string CMakeList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += fmt::format("\n  \"{}\"", i);
  return out;
}

}  // namespace

fs::path BuildTestbench(const TestbenchBuildOptions& o) {
  const DesignManifest manifest = ReadDesignManifest(o.rtl_dir);
  std::vector<std::string> sources;
  for (const std::string& f : manifest.files) sources.push_back(fs::absolute(o.rtl_dir / f).string());
  fs::create_directories(o.work_dir);
  const std::string cmake = fmt::format(
      R"(# Written by flexcim: verilates {rtl} with the generic testbench.
cmake_minimum_required(VERSION 3.25)
project(flexcim_testbench CXX)
set(CMAKE_CXX_STANDARD 20)
find_package(verilator REQUIRED HINTS $ENV{{VERILATOR_ROOT}})
find_package(fmt REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost REQUIRED COMPONENTS program_options)
add_executable(flexcim_tb "{src}/verif/verify_tb_main.cpp")
target_include_directories(flexcim_tb PRIVATE "{src}")
target_link_libraries(flexcim_tb PRIVATE{libs}
  fmt::fmt nlohmann_json::nlohmann_json Boost::program_options Threads::Threads)
verilate(flexcim_tb
  SOURCES{sources}
  TOP_MODULE {top}
  PREFIX Vflexcim_top
  VERILATOR_ARGS -Wall --x-assign unique --x-initial unique
  OPT_FAST -O2)
)",
      fmt::arg("rtl", o.rtl_dir.string()), fmt::arg("src", FLEXCIM_SOURCE_DIR),
      fmt::arg("libs", CMakeList({FLEXCIM_TB_LINK_LIBS})), fmt::arg("sources", CMakeList(sources)),
      fmt::arg("top", o.top));
  {
    std::ofstream out(o.work_dir / "CMakeLists.txt");
    out << cmake;
    if (!out) throw Error(fmt::format("{}: cannot write", (o.work_dir / "CMakeLists.txt").string()));
  }
  const fs::path build = o.work_dir / "build";
  const fs::path log = o.work_dir / "build.log";
  fs::remove(log);
  if (o.progress) o.progress(fmt::format("verilating {} ({} files) with CMake in {}", o.top, sources.size(), build.string()));
  RunLogged(fmt::format("cmake -S {} -B {} -DCMAKE_BUILD_TYPE=Release", ShellQuote(o.work_dir.string()),
                        ShellQuote(build.string())),
            log, "cmake configure (Verilator)");
  if (o.progress) o.progress("compiling the Verilated model and testbench");
  RunLogged(fmt::format("cmake --build {} -j 2", ShellQuote(build.string())), log,
            "cmake build (Verilator)");
  return build / "flexcim_tb";
}

}  // namespace flexcim::verif
