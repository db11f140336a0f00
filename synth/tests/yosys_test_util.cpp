#include "synth/tests/yosys_test_util.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/subprocess.h"
#include "generator/flexcim_generator.h"
#include "synth/tool_run.h"

namespace flexcim::synth::testing {

namespace fs = std::filesystem;

std::string GeneratedModule(const MacroConfig& config, const std::string& module) {
  const gen::GeneratedDesign design = gen::GenerateFlexcim(config);
  for (const auto& f : design.files)
    if (f.name == module + ".v") return f.text;
  ADD_FAILURE() << "generator emitted no " << module << ".v";
  return "";
}

std::string GeneratedDesignText(const MacroConfig& config) {
  std::string text;
  for (const auto& f : gen::GenerateFlexcim(config).files) text += f.text;
  return text;
}

std::string LogTail(const std::string& log, size_t chars) {
  return log.substr(log.size() > chars ? log.size() - chars : 0);
}

std::string SequentialMiterScript(const std::vector<std::string>& reads, const std::string& gold,
                                  const std::string& gate, int steps) {
  std::string script;
  for (const auto& r : reads) script += "read_verilog " + r + "\n";
  return script + fmt::format(R"(proc
opt_clean
miter -equiv -flatten -make_assert {} {} miter
hierarchy -top miter
sat -verify -prove-asserts -set-assumes -show-ports -seq {} -set-init-zero miter
)",
                              gold, gate, steps);
}

void ExpectProved(const YosysRun& run, const std::string& what) {
  EXPECT_TRUE(run.ok) << what << "\n" << LogTail(run.log);
  EXPECT_NE(run.log.find(kProved), std::string::npos) << what;
}

void ExpectProofFails(const YosysRun& run) {
  EXPECT_FALSE(run.ok);
  EXPECT_NE(run.log.find("proof did fail"), std::string::npos) << LogTail(run.log);
}

YosysRun RunYosys(const std::string& tag, const std::vector<std::pair<std::string, std::string>>& files,
                  const std::string& script, const std::vector<std::string>& outputs) {
  static int counter = 0;
  YosysRun run;
  run.dir = fs::temp_directory_path() / fmt::format("flexcim_synth_test_{}_{}_{}", ::getpid(), tag, counter++);
  fs::remove_all(run.dir);
  fs::create_directories(run.dir);
  for (const auto& [name, text] : files) std::ofstream(run.dir / name) << text;
  std::ofstream(run.dir / "script.ys") << script;
  const fs::path log = run.dir / "yosys.log";
  try {
    RunLogged({"yosys", "-s", "script.ys"}, log, "yosys", run.dir);
    run.ok = true;
  } catch (const Error&) {
    run.ok = false;
  }
  std::ifstream in(log);
  std::ostringstream ss;
  ss << in.rdbuf();
  run.log = ss.str();
  for (const std::string& name : outputs) {
    if (fs::exists(run.dir / name)) run.outputs[name] = ReadText(run.dir / name);
  }
  if (std::getenv("FLEXCIM_KEEP_TEST_DIRS") == nullptr) fs::remove_all(run.dir);
  return run;
}

}  // namespace flexcim::synth::testing
