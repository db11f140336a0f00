// flexcim synth: generates one configuration (one or more architectures),
// synthesises it with Yosys on sky130hd, times it and estimates power with
// OpenSTA, and writes report.md + report.json (docs/PPA.md).

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <fstream>
#include <iostream>
#include <map>

#include "cli/accel_flags.h"
#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "core/arch_traits.h"
#include "core/errors.h"
#include "core/atomic_file.h"
#include "core/input_file.h"
#include "core/output_directory.h"
#include "generator/accel_generator.h"
#include "generator/design_writer.h"
#include "synth/accel_synth.h"
#include "synth/activity_file.h"
#include "synth/design_source.h"
#include "synth/ppa_report.h"
#include "synth/synth_flow.h"
#include "verif/toggle_rates_vcd.h"

namespace flexcim::cli {
namespace {

namespace fs = std::filesystem;

struct SynthCmdOptions {
  MacroConfigFlags macro;
  std::string archs = "flexcim";
  std::string work_dir;
  std::string out_dir = "synth_report";
  std::string data_dir;
  bool no_sta = false;
  double input_activity = 0.5;
  std::vector<std::string> activities;
  std::string activity_from;
  std::string activity_vcd;
  std::string combine;
  int jobs = 1;
  bool no_power_breakdown = false;
  bool accel = false;
  AccelParams accel_params;
  double macro_area_um2 = 0;
};

po::options_description SynthFlags(SynthCmdOptions& o) {
  po::options_description flags = MacroConfigOptions(o.macro, /*style_lists=*/true);
  po::options_description own("Synthesis, timing and power");
  own.add_options()
      ("arch", po::value(&o.archs)->default_value(o.archs),
       "comma-separated architectures, e.g. flexcim,dense,sparse12 (the report compares them)")
      ("work", po::value(&o.work_dir), "work directory for RTL, scripts, logs, netlists (default <out>/work)")
      ("out", po::value(&o.out_dir)->default_value(o.out_dir), "directory for report.md and report.json")
      ("no-sta", po::bool_switch(&o.no_sta), "skip OpenSTA (area only)")
      ("no-power-breakdown", po::bool_switch(&o.no_power_breakdown),
       "total power only, no power per component (saves about half of OpenSTA's time on large macros)")
      ("jobs,j", po::value(&o.jobs)->default_value(o.jobs),
       "designs synthesised at once (Yosys and OpenSTA use one core each)")
      ("input-activity", po::value(&o.input_activity)->default_value(o.input_activity),
       "toggle rate per clock of every data input, for power")
      ("activity", po::value(&o.activities)->composing(),
       "PORT=RATE: toggle rate of one input port (repeatable; default rst_n=0, wr_en=0)")
      ("activity-from", po::value(&o.activity_from),
       "JSON written by `flexcim verify --json`: use its input_toggle_rates, measured in Verilator, "
       "for every port it lists (--activity still overrides)")
      ("activity-vcd", po::value(&o.activity_vcd),
       "VCD of this design simulated in Verilator (`flexcim verify --trace`): every input port and every "
       "register/latch output gets its simulated toggle rate (docs/PPA.md); --activity still overrides")
      ("combine", po::value(&o.combine),
       "R1.json,R2.json,...: synthesise nothing; write one report (table, overheads, plot) of the results "
       "in these report.json files of earlier runs (variants measured one at a time)");
  own.add_options()
      ("accel", po::bool_switch(&o.accel),
       "the accelerator of `flexcim gen --accel` (docs/ACCEL.md): area and clock of the logic the macros do not "
       "cover (macros and SRAM models cut out), SRAMs at a published sky130 SRAM's area per bit; writes "
       "accel_report.json/md")
      ("macro-area-um2", po::value(&o.macro_area_um2),
       "with --accel: one macro's area (e.g. from docs/PPA.md) for the overhead; default: synthesise the macro "
       "(area only)");
  flags.add(own);
  flags.add(AccelOptions(o.accel_params));
  AddDataDirOption(flags, o.data_dir);
  return flags;
}

// A VCD of another design is not measured activity of this one: every bit
// of every top-level port of each design must be in it, and no bit beyond
// a port's width (a wider design's trace).
void RequireVcdOfDesign(const std::string& vcd, const std::map<std::string, double>& rates, const std::string& arch,
                        const MacroConfig& config) {
  for (const PortSpec& p : TopPorts(ParseArch(arch), config)) {
    auto bit = [&](int i) { return p.width == 1 ? p.name : fmt::format("{}[{}]", p.name, i); };
    for (int i = 0; i < p.width; ++i) {
      if (!rates.count(bit(i))) {
        throw Error(fmt::format("{}: has no signal {} of {} {}: a waveform of another design (simulate this one "
                                "with flexcim verify --trace)",
                                vcd, bit(i), arch, config.Name()));
      }
    }
    if (p.width > 1 && rates.count(fmt::format("{}[{}]", p.name, p.width))) {
      throw Error(fmt::format("{}: port {} is wider than {} bits of {} {}: a waveform of another design (simulate "
                              "this one with flexcim verify --trace)",
                              vcd, p.name, p.width, arch, config.Name()));
    }
  }
}

void Progress(const std::string& line) { std::cerr << fmt::format("flexcim synth: {}\n", line); }

// --accel: the accelerator's logic without macros and SRAMs (docs/ACCEL.md).
int SynthAccel(const SynthCmdOptions& o, const po::variables_map& vm) {
  for (const char* flag : {"activity", "activity-from", "activity-vcd", "jobs", "no-power-breakdown", "input-activity"}) {
    if (vm.count(flag) && !vm[flag].defaulted()) {
      throw UsageError(fmt::format("--accel: --{} does not apply to the accelerator's area and clock report", flag));
    }
  }
  const std::vector<std::string> archs = CommaList("arch", o.archs);
  if (archs.size() != 1) throw UsageError(fmt::format("--arch {}: --accel takes one architecture", o.archs));
  const std::vector<MacroConfig> configs = o.macro.ToConfigs();
  if (configs.size() != 1) throw UsageError("--accel: give one --mac and one --storage");
  if (vm.count("macro-area-um2") && !(o.macro_area_um2 > 0 && o.macro_area_um2 < 1e15)) {
    throw UsageError(fmt::format("--macro-area-um2 {}: must be > 0", o.macro_area_um2));
  }
  const AccelConfig accel = AccelConfig::Create(ParseArch(archs.front()), configs.front(), o.accel_params);
  const fs::path work = o.work_dir.empty() ? fs::path(o.out_dir) / "work" : fs::path(o.work_dir);
  if (!o.work_dir.empty()) ClaimOutputDirectory({"--work", o.work_dir}, "synth");
  ClaimOutputDirectory({"--out", o.out_dir}, "synth");
  const auto start = std::chrono::steady_clock::now();
  const fs::path dir = work / accel.TopName();
  Progress(fmt::format("generating {}", accel.TopName()));
  gen::WriteDesign(gen::GenerateAccel(accel), dir / "rtl");
  synth::AccelSynthOptions so;
  so.rtl_dir = dir / "rtl";
  so.work_dir = dir / "synth";
  so.data_dir = o.data_dir;
  so.run_sta = !o.no_sta;
  so.progress = Progress;
  const synth::AccelSynthResult r = synth::RunAccelSynth(so);
  std::optional<double> macro_area;
  std::string source;
  if (vm.count("macro-area-um2")) {
    macro_area = o.macro_area_um2;
    source = "--macro-area-um2";
  } else {
    synth::SynthFlowOptions flow;
    flow.rtl_dir = so.rtl_dir;  // the macro's manifest and files are the design's own (FLEXCIM.md 5b)
    flow.work_dir = dir / "macro_synth";
    flow.data_dir = o.data_dir;
    flow.run_sta = false;
    flow.progress = Progress;
    macro_area = synth::RunSynthFlow(flow).area.total_area;
    source = fmt::format("Yosys, this run ({})", (dir / "macro_synth").string());
  }
  const auto report = synth::AccelSynthJson(r, macro_area, source);
  WriteFileAtomically(fs::path(o.out_dir) / "accel_report.json", report.dump(2) + "\n");
  const std::string md = synth::AccelSynthMarkdown(report);
  WriteFileAtomically(fs::path(o.out_dir) / "accel_report.md", md);
  std::cout << md;
  Progress(fmt::format("done in {:.1f} s; wrote {}/accel_report.md and accel_report.json",
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), o.out_dir));
  return 0;
}

// --combine: one report of the results of earlier runs.
int Combine(const SynthCmdOptions& o, const po::variables_map& vm) {
  for (const auto& [name, value] : vm) {
    if (name != "combine" && name != "out" && name != "data-dir" && !value.defaulted()) {
      throw UsageError(fmt::format("--combine: it reads finished reports; do not also give --{}", name));
    }
  }
  const auto files = CommaList("combine", o.combine);
  std::vector<FlagPath> inputs;
  for (const auto& f : files) inputs.push_back({"--combine", f});
  RefuseOutputOverInputs({"--out", o.out_dir}, inputs);
  std::vector<synth::PpaResult> results;
  std::map<std::string, std::string> seen;  // design (arch, configuration, MAC style, storage) -> file
  for (const auto& f : files) {
    std::vector<synth::PpaResult> rs;
    try {
      rs = synth::ReadReportResults(f);
    } catch (const Error& e) {
      // A missing file is a usage error (exit 2); bad content is a runtime
      // error naming the file (exit 1), as for every reader.
      std::error_code ec;
      if (!fs::exists(f, ec)) throw UsageError(fmt::format("--combine {}", e.what()));
      throw Error(fmt::format("--combine {}", e.what()));
    }
    for (auto& r : rs) {
      const std::string id = fmt::format("{} {} ({}, {})", r.arch, r.name, r.mac, r.storage);
      if (const auto it = seen.find(id); it != seen.end()) {
        throw Error(fmt::format("--combine: {} is in both {} and {}", id, it->second, f));
      }
      seen[id] = f;
      results.push_back(std::move(r));
    }
  }
  ClaimOutputDirectory({"--out", o.out_dir}, "synth");
  synth::WriteReport(results, o.out_dir);
  std::cout << synth::ReportMarkdown(results);
  Progress(fmt::format("combined {} results of {} reports; wrote {}/report.md and report.json", results.size(),
                       files.size(), o.out_dir));
  return 0;
}

int RunSynth(const std::vector<std::string>& args) {
  SynthCmdOptions o;
  const auto vm = ParseFlags(args, SynthFlags(o), "synth",
                             "[macro flags] [--mac M1,M2] [--arch A,B] [--out DIR] | --combine R1.json,R2.json");
  if (!vm) return 0;
  if (vm->count("combine")) return Combine(o, *vm);
  if (o.accel) return SynthAccel(o, *vm);
  for (const char* flag : {"macro-area-um2", "macros", "wbuf-rows", "abuf-words", "obuf-rows", "descriptors",
                           "max-tokens"}) {
    if (vm->count(flag) && !(*vm)[flag].defaulted()) throw UsageError(fmt::format("--{}: only with --accel", flag));
  }
  const std::vector<MacroConfig> configs = o.macro.ToConfigs();
  const auto archs = CommaList("arch", o.archs);
  for (const auto& a : archs) synth::CheckArch(a);
  if (o.jobs < 1) throw UsageError(fmt::format("--jobs {}: must be >= 1", o.jobs));
  const fs::path work = o.work_dir.empty() ? fs::path(o.out_dir) / "work" : fs::path(o.work_dir);

  synth::SynthFlowOptions flow;
  flow.data_dir = o.data_dir;
  flow.run_sta = !o.no_sta;
  flow.default_input_activity = o.input_activity;
  synth::RequireToggleRate("--input-activity", o.input_activity);
  if (!o.activity_vcd.empty()) {
    RefuseOutputOverInputs({"--out", o.out_dir}, {{"--activity-vcd", o.activity_vcd}});
    if (!fs::exists(o.activity_vcd)) throw UsageError(fmt::format("--activity-vcd {}: no such file", o.activity_vcd));
    RequireRegularFileOrMissing(o.activity_vcd);  // a FIFO would block the read forever
    std::ifstream in(o.activity_vcd);
    if (!in) throw Error(fmt::format("{}: cannot open", o.activity_vcd));
    Progress(fmt::format("reading toggle rates from {}", o.activity_vcd));
    try {
      flow.net_activity = verif::ToggleRatesFromVcd(in).rates;
    } catch (const UsageError& e) {
      throw Error(fmt::format("{}: {}", o.activity_vcd, e.what()));
    } catch (const Error& e) {
      throw Error(fmt::format("{}: {}", o.activity_vcd, e.what()));
    }
    flow.port_activity.clear();  // measured: no assumed-constant ports
  }
  if (!o.activity_from.empty()) {
    RefuseOutputOverInputs({"--out", o.out_dir}, {{"--activity-from", o.activity_from}});
    try {
      flow.port_activity = synth::ReadActivityFile(o.activity_from);
    } catch (const UsageError&) {
      throw;
    } catch (const Error& e) {
      std::error_code ec;
      if (!fs::exists(o.activity_from, ec)) throw UsageError(fmt::format("--activity-from {}", e.what()));
      throw Error(fmt::format("--activity-from {}", e.what()));
    }
  }
  for (const auto& a : o.activities) {
    const auto [port, rate] = synth::ParsePortActivity(a);
    flow.port_activity[port] = rate;
  }
  flow.progress = Progress;
  flow.power_breakdown = !o.no_power_breakdown;

  if (!o.activity_vcd.empty()) {
    for (const MacroConfig& config : configs) {
      for (const auto& arch : archs) RequireVcdOfDesign(o.activity_vcd, flow.net_activity, arch, config);
    }
  }
  // Before minutes of Yosys: --out is empty, new, or an earlier synth's.
  RefuseOutputOverInputs({"--out", o.out_dir}, {{"--activity-vcd", o.activity_vcd}, {"--activity-from", o.activity_from}});
  if (!o.work_dir.empty()) {  // first: --out may lie inside it
    RefuseOutputOverInputs({"--work", o.work_dir},
                           {{"--activity-vcd", o.activity_vcd}, {"--activity-from", o.activity_from}});
    ClaimOutputDirectory({"--work", o.work_dir}, "synth");
  }
  ClaimOutputDirectory({"--out", o.out_dir}, "synth");
  const auto start = std::chrono::steady_clock::now();
  std::vector<synth::SynthFlowOptions> designs;
  for (const MacroConfig& config : configs) {
    for (const auto& arch : archs) {
      const fs::path dir = work / fmt::format("{}_{}", arch, config.Name());
      Progress(fmt::format("generating {} {}", arch, config.Name()));
      synth::WriteArchDesign(arch, config, dir / "rtl");
      flow.rtl_dir = dir / "rtl";
      flow.work_dir = dir / "synth";
      flow.arch = arch;
      designs.push_back(flow);
    }
  }
  const std::vector<synth::PpaResult> results = synth::RunSynthFlows(designs, o.jobs);
  synth::WriteReport(results, o.out_dir);
  std::cout << synth::ReportMarkdown(results);
  Progress(fmt::format("done in {:.1f} s; wrote {}/report.md and report.json",
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                       o.out_dir));
  return 0;
}

const CommandRegistrar kRegistrar(Command{
    .name = "synth",
    .summary = "Yosys area per component, OpenSTA fmax and power on sky130hd (report.md/json)",
    .run = RunSynth,
});

}  // namespace
}  // namespace flexcim::cli

