// flexcim gen: writes the Verilog of one macro configuration and its
// manifest.json into --out (FLEXCIM.md 5b); --arch dense|sparse12 writes the
// section 6 baselines of the same cell count instead (G is ignored).
#include <fmt/format.h>
#include <fmt/std.h>

#include <filesystem>
#include <iostream>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "core/errors.h"
#include "core/baseline_config.h"
#include "cli/accel_flags.h"
#include "generator/accel_generator.h"
#include "generator/arch_generator.h"
#include "generator/design_writer.h"
#include "generator/flexcim_generator.h"

namespace flexcim::cli {
namespace {

namespace fs = std::filesystem;

// Where `flexcim gen` writes without --out (rtl_out/README.md says what lands there).
constexpr char kDefaultGenRoot[] = "rtl_out";

struct GenOptions {
  MacroConfigFlags macro;
  std::string out_dir;
  std::string arch = gen::kArchFlexcim;
  bool accel = false;
  AccelParams accel_params;
};

po::options_description GenFlags(GenOptions& o) {
  po::options_description flags = MacroConfigOptions(o.macro);
  po::options_description own("Output");
  own.add_options()
      ("out", po::value(&o.out_dir),
       "output directory (default rtl_out/<configuration>, e.g. rtl_out/p4_r16_c16_g16_a8_w8 or "
       "rtl_out/dense_p4_r16_c16_a8_w8, relative to the current directory); replaced only if it is "
       "empty or an earlier `flexcim gen` output (its .flexcim-output marker says so)")
      ("arch", po::value(&o.arch)->default_value(o.arch),
       "architecture to generate: flexcim, dense (P*R x C dense DCiM) or sparse12 (fixed 1:2 "
       "sparse DCiM); top module flexcim_top, dense_top or sparse12_top")
      ("accel", po::bool_switch(&o.accel),
       "the accelerator around Q macros of this configuration (docs/ACCEL.md): top accel_<configuration>_<sizes>");
  flags.add(own);
  flags.add(AccelOptions(o.accel_params));
  return flags;
}

int RunGen(const std::vector<std::string>& args) {
  GenOptions options;
  const auto vm = ParseFlags(args, GenFlags(options), "gen", "[--out DIR] [--arch A] [macro flags]");
  if (!vm) return 0;
  const Arch arch = ParseArch(options.arch);
  const MacroConfig config = options.macro.ToConfig();
  if (options.accel) {
    const AccelConfig accel = AccelConfig::Create(arch, config, options.accel_params);
    const gen::GeneratedDesign design = gen::GenerateAccel(accel);
    if (options.out_dir.empty()) options.out_dir = (fs::path(kDefaultGenRoot) / accel.TopName()).string();
    gen::WriteDesign(design, options.out_dir);
    std::cout << fmt::format("wrote {} files and {} to {}: top {} ({} x {}, latency {})\n", design.files.size(),
                             gen::kManifestFileName, options.out_dir, design.top, accel.macros(),
                             design.manifest["top"].get<std::string>(), design.latency);
    return 0;
  }
  const gen::GeneratedDesign design = gen::GenerateArch(arch, config);
  if (options.out_dir.empty()) {
    options.out_dir = (fs::path(kDefaultGenRoot) /
                       (arch == Arch::kFlexcim ? config.Name() : BaselineConfig::For(arch, config).QualifiedName()))
                          .string();
  }
  gen::WriteDesign(design, options.out_dir);
  std::cout << fmt::format("wrote {} files and {} to {}: top {}, latency {}\n",
                           design.files.size(), gen::kManifestFileName, options.out_dir,
                           design.top, design.latency);
  return 0;
}

const CommandRegistrar kRegistrar(Command{
    .name = "gen",
    .summary = "generate the macro's Verilog and manifest.json (--out DIR, default rtl_out/<configuration>)",
    .run = RunGen,
});

}  // namespace
}  // namespace flexcim::cli
