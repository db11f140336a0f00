// flexcim verify: generate any configuration, verilate it with the generic
// testbench through Verilator's CMake package, run random in-contract traffic
// against the golden cycle model. No CMake editing by the user.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "core/errors.h"
#include "core/output_directory.h"
#include "generator/design_writer.h"
#include "generator/flexcim_generator.h"
#include "core/subprocess.h"
#include "verif/testbench_build.h"

namespace flexcim::cli {
namespace {

namespace fs = std::filesystem;

struct VerifyOptions {
  MacroConfigFlags macro;
  std::string work;
  int vectors = 5000;
  uint64_t seed = 1;
  std::string json;
  std::string stimulus;
};

po::options_description VerifyFlags(VerifyOptions& o) {
  po::options_description d = MacroConfigOptions(o.macro);
  po::options_description own("Verification");
  own.add_options()
      ("work", po::value(&o.work), "work directory (default: <tmp>/flexcim-verify-<config>); reused, "
       "so a second run of the same configuration only re-runs the simulation")
      ("vectors", po::value(&o.vectors)->default_value(o.vectors), "random vectors, >= 1")
      ("seed", po::value(&o.seed)->default_value(o.seed), "random seed")
      ("json", po::value(&o.json), "also write the result as JSON to this file")
      ("stimulus", po::value(&o.stimulus),
       "replay this pin-level stimulus (e.g. a real layer from `flexcim map --stimulus-layer`) "
       "instead of random traffic; it must be for the same configuration");
  d.add(own);
  return d;
}

int RunVerify(const std::vector<std::string>& args) {
  VerifyOptions o;
  const auto vm = ParseFlags(args, VerifyFlags(o), "verify", "[macro flags] [--vectors N] [--seed S] [--work DIR]");
  if (!vm) return 0;
  const MacroConfig config = o.macro.ToConfig();
  if (o.vectors < 1) throw UsageError(fmt::format("--vectors {}: must be >= 1", o.vectors));
  RefuseOutputOverInputs({"--json", o.json}, {{"--stimulus", o.stimulus}});
  if (!o.stimulus.empty() && !fs::is_regular_file(o.stimulus)) {
    throw UsageError(fmt::format("--stimulus {}: no such file", o.stimulus));
  }
  const fs::path work =
      o.work.empty() ? fs::temp_directory_path() / ("flexcim-verify-" + config.Name()) : fs::path(o.work);
  auto progress = [](const std::string& line) { std::cerr << "verify: " << line << "\n"; };
  progress(fmt::format("generating {} into {}", config.Name(), (work / "rtl").string()));
  gen::WriteDesign(gen::GenerateFlexcim(config), work / "rtl");
  const fs::path tb = verif::BuildTestbench({.rtl_dir = work / "rtl", .work_dir = work / "tb", .progress = progress});
  if (!o.stimulus.empty()) {
    progress(fmt::format("replaying {}", o.stimulus));
  } else {
    progress(fmt::format("running {} random vectors (seed {})", o.vectors, o.seed));
  }
  std::string command = fmt::format("{} --rtl {} --vectors {} --seed {}", ShellQuote(tb.string()),
                                    ShellQuote((work / "rtl").string()), o.vectors, o.seed);
  if (!o.json.empty()) command += " --json " + ShellQuote(o.json);
  if (!o.stimulus.empty()) command += " --stimulus " + ShellQuote(fs::absolute(o.stimulus).string());
  std::cout.flush();
  const int status = std::system(command.c_str());
  if (status != 0) {
    std::cerr << fmt::format("verify: MISMATCH for {} (testbench {}, work dir {})\n", config.Name(),
                             tb.string(), work.string());
    return 1;
  }
  return 0;
}

const CommandRegistrar kVerify({"verify",
                                "generate, verilate and co-simulate any configuration against the golden model",
                                RunVerify});

}  // namespace
}  // namespace flexcim::cli
