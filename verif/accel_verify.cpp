#include "verif/accel_verify.h"

#include <fmt/format.h>


#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/subprocess.h"
#include "golden/arch_mapping.h"
#include "generator/accel_generator.h"
#include "generator/design_writer.h"
#include "verif/accel_testbench_build.h"
#include "verif/testbench_build.h"

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
  const ProcessResult run = RunProcess({.argv = {tb.string(), program_file.string()}});
  AccelRunResult r;
  r.output = run.out;
  r.exit_code = run.status.signal == 0 ? run.status.code : -1;
  if (r.exit_code != 0 && r.exit_code != 3) {
    throw Error(fmt::format("the accelerator testbench {} failed ({}) on {}: {}{}", tb.string(),
                            run.status.Describe(), program_file.string(), r.output, run.err));
  }
  // Exit 0 counts only with the summary line and without the design ending
  // the simulation itself.
  if (const std::string_view finish = VerilogFinishLine(run.out + run.err); !finish.empty()) {
    throw Error(fmt::format("the accelerator testbench {} on {}: the design called $finish ({}); nothing it "
                            "computed can be trusted",
                            tb.string(), program_file.string(), finish));
  }
  if (r.exit_code == 0 && r.output.find("verified ") == std::string::npos &&
      r.output.find("is flagged on error") == std::string::npos) {
    throw Error(fmt::format("the accelerator testbench {} exited 0 on {} without its summary line: nothing was "
                            "compared",
                            tb.string(), program_file.string()));
  }
  return r;
}

AccelLayersResult RunAccelLayers(const AccelConfig& config, const std::vector<AccelLayer>& layers,
                                 golden::Schedule schedule, const fs::path& work,
                                 const std::function<void(const std::string&)>& progress) {
  std::vector<AccelProgram> programs;
  for (const AccelLayer& layer : layers) programs.push_back(MakeAccelProgram(config, layer, schedule));
  AccelLayersResult r;
  for (const AccelProgram& p : programs) {
    if (progress) {
      progress(fmt::format("layer {}: {} tiles, {} tokens, {} schedule on {} macros", p.layer, p.descriptors.size(),
                           p.tokens, golden::ScheduleName(schedule), config.macros()));
    }
    const AccelRunResult run = RunAccelProgram(config, p.ToJson(config), work, "program", progress);
    std::string out = run.output;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    r.lines.push_back(fmt::format("layer {}: {}", p.layer, out));
    if (run.exit_code != 0) {
      r.exit_code = run.exit_code;
      return r;
    }
    r.outputs += static_cast<int64_t>(p.expected.size());
    r.cycles += p.expected_cycles;
  }
  return r;
}

}  // namespace flexcim::verif
