#include "verif/accel_verify.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/subprocess.h"
#include "golden/arch_mapping.h"
#include "generator/accel_generator.h"
#include "generator/design_writer.h"
#include "verif/accel_testbench_build.h"

namespace flexcim::verif {

namespace fs = std::filesystem;

AccelProgram MakeAccelProgram(const AccelConfig& config, const AccelLayer& layer, golden::Schedule schedule) {
  const golden::ArchMappedLayer mapped =
      golden::MapArchLayer(config.arch(), config.macro(), layer.pattern, layer.weights, layer.name);
  return BuildAccelProgram(config, mapped, layer.weights, layer.name, layer.x, layer.tokens, schedule);
}

AccelRunResult RunAccelProgram(const AccelConfig& config, const nlohmann::json& program, const fs::path& work,
                               const std::string& program_name,
                               const std::function<void(const std::string&)>& progress) {
  const fs::path rtl = work / "rtl";
  const bool written = gen::WriteDesignIfChanged(gen::GenerateAccel(config), rtl);
  if (progress) progress(fmt::format("{} {} in {}", written ? "generated" : "unchanged design", config.TopName(),
                                     rtl.string()));
  const fs::path tb = BuildAccelTestbench(rtl, work / "tb", progress);
  const fs::path program_file = work / (program_name + ".json");
  WriteFileAtomically(program_file, program.dump() + "\n");
  const fs::path out_file = work / (program_name + ".out");
  const std::string command = fmt::format("{} {} > {}", ShellQuote(tb.string()), ShellQuote(program_file.string()),
                                          ShellQuote(out_file.string()));
  const int status = std::system(command.c_str());
  AccelRunResult r;
  std::ifstream in(out_file);
  std::stringstream text;
  text << in.rdbuf();
  r.output = text.str();
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (r.exit_code != 0 && r.exit_code != 3) {
    throw Error(fmt::format("the accelerator testbench {} failed ({}) on {}: {}", tb.string(),
                            WIFEXITED(status) ? fmt::format("exit {}", r.exit_code) : "killed by a signal",
                            program_file.string(), r.output));
  }
  return r;
}

}  // namespace flexcim::verif
