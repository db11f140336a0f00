#include "verif/testbench_build.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/config_json.h"
#include "core/errors.h"
#include "core/file_if_changed.h"
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

void RequireCMakeSafePath(const std::string& flag, const fs::path& path) {
  for (char ch : path.string()) {
    if (ch == '"' || ch == '\\' || ch == '$' || ch == ';' || static_cast<unsigned char>(ch) < 0x20) {
      const std::string shown = static_cast<unsigned char>(ch) < 0x20 ? fmt::format("\\x{:02X}", static_cast<int>(static_cast<unsigned char>(ch))) : std::string(1, ch);
      throw UsageError(fmt::format("{} {}: contains '{}', which the testbench's CMake project cannot hold in a "
                                   "path; choose another directory",
                                   flag, path.string(), shown));
    }
  }
}

void BuildCMakeProject(const fs::path& work_dir, const fs::path& build_dir, const std::string& cmake_lists,
                       const std::vector<std::string>& configure_args, const std::string& configure_note,
                       const std::function<void(const std::string&)>& progress) {
  WriteFileIfChanged(work_dir / "CMakeLists.txt", cmake_lists);
  const fs::path log = work_dir / "build.log";
  fs::remove(log);
  if (!fs::exists(build_dir / "Makefile")) {
    if (progress) progress(configure_note);
    std::vector<std::string> argv = {"cmake", "-S", work_dir.string(), "-B", build_dir.string()};
    argv.insert(argv.end(), configure_args.begin(), configure_args.end());
    RunLogged(argv, log, "cmake configure (Verilator)");
    if (progress) progress("compiling the Verilated model and testbench");
  } else if (progress) {
    progress(fmt::format("reusing the testbench build in {} (only changed files are rebuilt)", build_dir.string()));
  }
  RunLogged({"cmake", "--build", build_dir.string(), "-j", "2"}, log, "cmake build (Verilator)");
}

fs::path BuildTestbench(const TestbenchBuildOptions& o) {
  RequireCMakeSafePath("testbench work directory", fs::absolute(o.work_dir));
  RequireCMakeSafePath("design directory", fs::absolute(o.rtl_dir));
  // core/config_json: the checked manifest (files, cell style).
  const Manifest manifest = ReadManifest(o.rtl_dir);
  std::vector<std::string> sources;
  for (const std::string& f : manifest.files) sources.push_back(fs::absolute(o.rtl_dir / f).string());
  if (o.model_opt != "-O0" && o.model_opt != "-O1" && o.model_opt != "-O2") {
    throw Error(fmt::format("testbench build: model optimisation '{}' is not -O0, -O1 or -O2", o.model_opt));
  }
  if (o.trace_format != "" && o.trace_format != "vcd" && o.trace_format != "fst") {
    throw Error(fmt::format("testbench build: unknown waveform format '{}'", o.trace_format));
  }
  const std::string cmake = fmt::format(
      R"(# Written by flexcim: verilates {rtl} with the generic testbench.
# FLEXCIM_TRACE (vcd, fst or empty) compiles waveform support into the model.
# The model's evaluation is optimised (OPT_FAST); its run-once code and
# Verilator's runtime get Verilator's own defaults (-O0, -Os), which compile
# much faster.
cmake_minimum_required(VERSION 3.25)
project(flexcim_testbench CXX)
set(CMAKE_CXX_STANDARD 20)
set(FLEXCIM_TRACE "" CACHE STRING "waveform support: vcd, fst or empty")
find_package(verilator REQUIRED HINTS $ENV{{VERILATOR_ROOT}})
find_package(fmt REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost REQUIRED COMPONENTS program_options)
add_executable(flexcim_tb "{src}/verif/verify_tb_main.cpp")
target_include_directories(flexcim_tb PRIVATE "{src}")
target_compile_definitions(flexcim_tb PRIVATE FLEXCIM_TB_ARCH="{arch}" FLEXCIM_TB_MAC="{mac}"
  FLEXCIM_TB_STORAGE="{storage}")
target_link_libraries(flexcim_tb PRIVATE{libs}
  fmt::fmt nlohmann_json::nlohmann_json Boost::program_options Threads::Threads)
set(trace_option "")
if(FLEXCIM_TRACE STREQUAL "vcd")
  set(trace_option TRACE)
elseif(FLEXCIM_TRACE STREQUAL "fst")
  set(trace_option TRACE_FST)
endif()
verilate(flexcim_tb ${{trace_option}}
  SOURCES{sources}
  TOP_MODULE {top}
  PREFIX Vtb_top
  VERILATOR_ARGS -Wall --x-assign unique --x-initial unique --timescale 1ns/1ns
  OPT_FAST {opt}
  OPT_SLOW -O0
  OPT_GLOBAL -Os)
)",
      fmt::arg("rtl", o.rtl_dir.string()), fmt::arg("src", FLEXCIM_SOURCE_DIR), fmt::arg("opt", o.model_opt),
      fmt::arg("libs", CMakeList({FLEXCIM_TB_LINK_LIBS})), fmt::arg("sources", CMakeList(sources)),
      fmt::arg("top", manifest.top), fmt::arg("arch", ArchName(manifest.arch)),
      fmt::arg("mac", MacStyleName(manifest.config.mac())),
      fmt::arg("storage", StorageKindName(manifest.config.storage())));
  const fs::path build = o.work_dir / (o.trace_format.empty() ? std::string("build") : "build-" + o.trace_format);
  const auto start = std::chrono::steady_clock::now();
  BuildCMakeProject(o.work_dir, build, cmake, {"-DCMAKE_BUILD_TYPE=Release", "-DFLEXCIM_TRACE=" + o.trace_format},
                    fmt::format("verilating {} ({} files) with CMake in {}", manifest.top, sources.size(),
                                build.string()),
                    o.progress);
  if (o.progress) {
    o.progress(fmt::format("testbench up to date in {:.1f} s",
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()));
  }
  return build / "flexcim_tb";
}

}  // namespace flexcim::verif
