// flexcim energy: energy per macro operation (one input vector, one row
// write, one idle cycle) and the compute-path fmax of every design of a
// `flexcim synth` run, from OpenSTA on its netlists
// (synth/operation_energy.h). Writes the file `flexcim perf --energy` reads.
// With --stimulus / --activity-vcd the energies come from simulated activity
// of every port, register and latch instead (synth/simulated_operation_energy.h):
// each stimulus is replayed on its design's RTL in Verilator with a trace.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <map>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <nlohmann/json.hpp>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "core/atomic_file.h"
#include "core/baseline_config.h"
#include "core/config_json.h"
#include "core/errors.h"
#include "core/input_file.h"
#include "core/json_input.h"
#include "core/output_directory.h"
#include "golden/perf_model.h"
#include "synth/liberty_setup.h"
#include "synth/energy_comparison.h"
#include "synth/operation_energy.h"
#include "synth/liberty_cells.h"
#include "synth/simulated_operation_energy.h"
#include "core/subprocess.h"
#include "verif/operation_activity_vcd.h"
#include "verif/stimulus_file.h"
#include "verif/testbench_build.h"

namespace flexcim::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct EnergyOptions {
  std::string synth_dir;
  std::string out;
  double act_activity = 0.5;
  double write_activity = 0.5;
  int jobs = 2;
  std::string data_dir;
  std::vector<std::string> stimuli;  // map --stimulus files, one per design
  std::vector<std::string> vcds;     // DESIGN=TRACE.vcd
  bool no_power_breakdown = false;
  std::string combine;  // F1.json,F2.json,...: one comparison table of their designs
  std::string map_dir;  // `flexcim map --stimulus-layer` output: each design's stimulus from its map.json
};

// The configuration a stimulus file says it is for (its "config" line);
// the whole file is checked against that design afterwards.
std::string StimulusConfig(const std::string& path) {
  const std::string text = ReadRegularFile(path, std::size_t{1} << 31);
  std::istringstream in(text);
  std::string magic, config;
  std::getline(in, magic);
  std::getline(in, config);
  if (config.rfind("config ", 0) != 0) throw Error(fmt::format("--stimulus {}:2: expected 'config ...'", path));
  config = config.substr(7);
  if (!config.empty() && config.back() == '\r') config.pop_back();
  return config;
}

// The testbench of a design, built with VCD tracing under `work`, replays
// `stimulus` into `trace`. The model is compiled at -O0: a layer's replay is
// a few thousand cycles, and the default macro's -O2 build took minutes.
void TraceStimulus(const fs::path& rtl_dir, const fs::path& stimulus, const fs::path& work, const fs::path& trace) {
  auto progress = [](const std::string& line) { std::cerr << "flexcim energy: " << line << "\n"; };
  const fs::path tb = verif::BuildTestbench(
      {.rtl_dir = rtl_dir, .work_dir = work / "tb", .trace_format = "vcd", .model_opt = "-O0", .progress = progress});
  progress(fmt::format("replaying {} on {} (trace {})", stimulus.string(), rtl_dir.string(), trace.string()));
  const ProcessResult run = RunProcess({.argv = {tb.string(), "--rtl", fs::absolute(rtl_dir).string(), "--stimulus",
                                                 fs::absolute(stimulus).string(), "--trace", fs::absolute(trace).string()},
                                        .cwd = {}, .log = work / "tb_run.log", .stdout_file = {}, .echo = false});
  if (!run.status.ok()) {
    throw Error(fmt::format("the testbench {} failed on --stimulus {} (log {})", tb.string(), stimulus.string(),
                            (work / "tb_run.log").string()));
  }
}

// A file of the --synth directory: missing is a usage error (a wrong
// directory), bad content a runtime error naming the file.
json ReadSynthJson(const fs::path& p, const std::string& synth_dir) {
  std::error_code ec;
  if (!fs::exists(p, ec)) {
    throw UsageError(fmt::format("--synth {}: no {} (is it the --out directory of flexcim synth?)", synth_dir,
                                 p.string()));
  }
  return flexcim::ReadJsonFile(p);
}

void RequireActivity(const char* flag, double v) {
  if (!(v >= 0 && v <= 1)) throw UsageError(fmt::format("{} {}: must be in [0, 1]", flag, v));
}

struct Job {
  std::string arch, config;
  std::string design;  // ArchConfig::Name(): what a stimulus header names
  fs::path rtl_dir;
  int latency = 0, write_latency = 1;
  fs::path stimulus, vcd;
  MacroConfig macro = MacroConfig::Default();
  std::map<std::string, double> area_um2_by_component;
  double area = 0;
  synth::OperationEnergyOptions options;
};

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Energies from simulated activity, one design after the other (a trace of
// the default macro is about 50 MB; its three OpenSTA runs share --jobs).
int RunSimulatedEnergy(const EnergyOptions& o, const std::vector<Job>& jobs, const fs::path& liberty, std::chrono::steady_clock::time_point start) {
  const synth::LibertyCells cells = synth::ReadLibertyCells(liberty);
  std::set<std::string> sequential;
  for (const auto& [name, cell] : cells)
    if (cell.sequential) sequential.insert(name);
  json out;
  out["activity"] = "simulated";
  out["synth"] = o.synth_dir;
  std::vector<synth::SimulatedEnergy> results;
  for (const Job& job : jobs) {
    const auto t0 = std::chrono::steady_clock::now();
    const fs::path dir = job.options.work_dir;
    fs::create_directories(dir);
    fs::path vcd = job.vcd;
    if (vcd.empty()) {
      vcd = dir / "trace.vcd";
      TraceStimulus(job.rtl_dir, job.stimulus, dir, vcd);
    }
    const double sim_s = SecondsSince(t0);
    const auto t1 = std::chrono::steady_clock::now();
    std::ifstream in(vcd);
    if (!in) throw Error(fmt::format("{}: cannot open", vcd.string()));
    verif::OperationActivity activity;
    try {
      // A vector is in flight for the pipeline latency; a write reaches the
      // storage write_latency edges after it is sampled.
      activity = verif::OperationActivityFromVcd(in, job.latency, job.write_latency + 1);
    } catch (const Error& e) {
      throw Error(fmt::format("{}: {}", vcd.string(), e.what()));
    }
    const double vcd_s = SecondsSince(t1);
    synth::SimulatedEnergyOptions so;
    so.liberty = liberty;
    so.netlist = job.options.netlist;
    so.top = job.options.top;
    so.ports = job.options.ports;
    so.period_ns = job.options.period_ns;
    so.initiation_interval = job.options.initiation_interval;
    so.sequential_cells = sequential;
    so.work_dir = dir;
    so.jobs = o.jobs;
    so.per_instance = !o.no_power_breakdown;
    so.cells = &cells;
    so.breakdown.w_bits = job.macro.w_bits();
    so.breakdown.element_bits_per_cell = job.arch == "dense" ? 0 : 1;
    const auto t2 = std::chrono::steady_clock::now();
    synth::SimulatedEnergy e;
    try {
      e = synth::MeasureSimulatedEnergy(so, activity);
    } catch (const Error& err) {
      throw Error(fmt::format("{} {}: {}: {}", job.arch, job.design, vcd.string(), err.what()));
    }
    const double sta_s = SecondsSince(t2);
    std::cerr << fmt::format(
        "flexcim energy: {} done in {:.0f} s (simulation {:.0f} s, trace {:.0f} s, OpenSTA {:.0f} s): {} registers "
        "annotated, {} compute / {} write / {} idle cycles, {:.2f} pJ/vector, {:.2f} pJ/row write, {:.3f} pJ/idle "
        "cycle\n",
        job.design, SecondsSince(t0), sim_s, vcd_s, sta_s, e.registers, e.compute_cycles, e.write_cycles,
        e.idle_cycles, e.energy.vector_pj, e.energy.row_write_pj, e.energy.idle_cycle_pj);
    json a = synth::ToJson(e);
    a["config"] = job.config;
    a["design"] = job.design;
    a["area_um2"] = job.area;
    a["trace"] = vcd.string();
    if (!job.stimulus.empty()) a["stimulus"] = job.stimulus.string();
    a["seconds"] = {{"simulation", sim_s}, {"trace", vcd_s}, {"opensta", sta_s}};
    out["archs"][job.arch] = a;
    out["designs"][job.design] = a;
    results.push_back(e);
  }
  // The comparison (docs/PPA.md "Comparison at simulated activity").
  std::vector<synth::DesignEnergy> designs;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const synth::OperationEnergy& e = results[i].energy;
    designs.push_back({.arch = ParseArch(jobs[i].arch),
                       .macro = jobs[i].macro,
                       .design = jobs[i].design,
                       .area_um2 = jobs[i].area,
                       .area_um2_by_component = jobs[i].area_um2_by_component,
                       .fmax_mhz = e.fmax_mhz(),
                       .vector_pj = e.vector_pj,
                       .row_write_pj = e.row_write_pj,
                       .idle_cycle_pj = e.idle_cycle_pj,
                       .vector_pj_by_component = results[i].vector_pj_by_component,
                       .idle_cycle_pj_by_component = results[i].idle_pj_by_component,
                       .activity = "simulated",
                       .source = jobs[i].stimulus.empty() ? jobs[i].vcd.string() : jobs[i].stimulus.string()});
  }
  const synth::EnergyComparison comparison = synth::CompareDesignEnergies(designs);
  for (const auto& [name, d] : comparison.designs.items()) out["designs"][name].update(d);
  out["overhead"] = comparison.overhead;
  WriteFileAtomically(o.out, out.dump(2) + "\n");
  std::cout << comparison.markdown;
  std::cout << fmt::format("energy from simulated activity: {:.0f} s for {} design(s)\nwrote {}\n", SecondsSince(start),
                           jobs.size(), o.out);
  return 0;
}

// One table of the designs of earlier simulated-activity energy files.
int RunCombine(const EnergyOptions& o) {
  std::vector<synth::DesignEnergy> designs;
  std::vector<FlagPath> inputs;
  json files = json::array();
  std::set<std::string> seen;
  for (const std::string& f : CommaList("combine", o.combine)) {
    inputs.push_back({"--combine", f});
    for (synth::DesignEnergy& d : synth::DesignEnergiesFromJson(ReadJsonFile(f), f)) {
      if (!seen.insert(d.design).second) {
        throw UsageError(fmt::format("--combine {}: design {} is in two of the files", o.combine, d.design));
      }
      designs.push_back(std::move(d));
    }
    files.push_back(f);
  }
  const fs::path md_path = fs::path(o.out).replace_extension(".md");
  RefuseOutputOverInputs({"--out", o.out}, inputs);
  RefuseOutputOverInputs({"--out", md_path.string()}, inputs);
  RequireRegularFileOrMissing(o.out);
  RequireRegularFileOrMissing(md_path.string());
  synth::SortByStyleAndArch(designs);
  const synth::EnergyComparison comparison = synth::CompareDesignEnergies(designs);
  const json out = {{"files", files}, {"designs", comparison.designs}, {"overhead", comparison.overhead}};
  WriteFileAtomically(o.out, out.dump(2) + "\n");
  WriteFileAtomically(md_path, comparison.markdown);
  std::cout << comparison.markdown << fmt::format("wrote {} and {}\n", o.out, md_path.string());
  return 0;
}

int RunEnergy(const std::vector<std::string>& args) {
  EnergyOptions o;
  po::options_description d("Energy per operation (docs/PERF.md)");
  d.add_options()
      ("synth", po::value(&o.synth_dir),
       "the --out directory of a `flexcim synth` run (its report.json names each design's netlist)")
      ("out", po::value(&o.out)->required(),
       "energy JSON to write (read by `flexcim perf --energy`); with --combine the table's JSON, its Markdown "
       "beside it (.md)")
      ("combine", po::value(&o.combine),
       "F1.json,F2.json,...: measure nothing, write one comparison table (docs/PPA.md) of the designs of these "
       "earlier simulated-activity energy files")
      ("act-activity", po::value(&o.act_activity)->default_value(o.act_activity),
       "in_act toggles per bit per cycle while vectors stream")
      ("write-activity", po::value(&o.write_activity)->default_value(o.write_activity),
       "toggles per bit per cycle of the write address and data during row writes")
      ("stimulus", po::value(&o.stimuli)->composing(),
       "energy from simulated activity: replay this pin-level stimulus (`flexcim map --stimulus-layer`) on the "
       "design whose configuration its header names, in Verilator with a trace (repeatable: one per design)")
      ("map", po::value(&o.map_dir),
       "energy from simulated activity: the --out directory of `flexcim map --stimulus-layer` (with "
       "--stimulus-mac/--stimulus-storage); every design of --synth takes the stimulus its map.json lists for it")
      ("activity-vcd", po::value(&o.vcds)->composing(),
       "energy from simulated activity of an existing trace: DESIGN=TRACE.vcd, DESIGN as a stimulus header names "
       "it (e.g. p4_r16_c16_g16_a8_w8, sparse12_p4_r16_c16_a8_w8_bs_latch; repeatable)")
      ("no-power-breakdown", po::bool_switch(&o.no_power_breakdown),
       "with simulated activity: totals only, no split by component (skips OpenSTA's per-instance report)")
      ("jobs", po::value(&o.jobs)->default_value(o.jobs), "OpenSTA runs at once (over all designs' 3 runs)");
  AddDataDirOption(d, o.data_dir);
  if (!ParseFlags(args, d, "energy", "--synth DIR --out FILE [--act-activity A] [--write-activity A] | [--stimulus FILE ... | --activity-vcd DESIGN=TRACE.vcd ...]")) return 0;
  RequireActivity("--act-activity", o.act_activity);
  RequireActivity("--write-activity", o.write_activity);
  if (o.jobs < 1) throw UsageError(fmt::format("--jobs {}: must be >= 1", o.jobs));
  if (!o.combine.empty()) {
    if (!o.synth_dir.empty() || !o.stimuli.empty() || !o.vcds.empty() || !o.map_dir.empty()) {
      throw UsageError("--combine: measures nothing; give it without --synth, --stimulus, --map or --activity-vcd");
    }
    return RunCombine(o);
  }
  if (o.synth_dir.empty()) throw UsageError("--synth: required (or --combine)");
  const fs::path report_path = fs::path(o.synth_dir) / "report.json";
  const json report = ReadSynthJson(report_path, o.synth_dir);
  const json& results_json = JsonArray(report, "results", report_path.string());
  if (results_json.empty()) throw Error(fmt::format("{}: no results", report_path.string()));
  const fs::path work = fs::path(o.synth_dir) / "energy_work";
  // Every file this run reads, so that --out can replace none of them.
  std::vector<FlagPath> inputs = {{"--synth", report_path}};

  std::vector<Job> jobs;
  for (size_t i = 0; i < results_json.size(); ++i) {
    const json& r = results_json[i];
    const std::string where = fmt::format("{}: results[{}]", report_path.string(), i);
    Job job;
    job.arch = JsonString(r, "arch", where);
    try {
      (void)ParseArch(job.arch);
    } catch (const UsageError& e) {
      throw Error(fmt::format("{}: 'arch' is \"{}\": not an architecture", where, job.arch));
    }
    const fs::path synth_work = JsonString(r, "work_dir", where);
    const fs::path manifest_path = synth_work.parent_path() / "rtl" / "manifest.json";
    const json manifest = ReadSynthJson(manifest_path, o.synth_dir);
    inputs.push_back({"--synth", manifest_path});
    inputs.push_back({"--synth", synth_work / "sta_netlist.v"});
    // The design's own manifest: configuration with its cell style and storage.
    const Manifest checked = ManifestFromJson(manifest, manifest_path.string());
    const MacroConfig& config = checked.config;
    job.config = golden::EnergyConfigName(ParseArch(job.arch), config);
    job.design = ArchConfig(ParseArch(job.arch), config).Name();
    job.rtl_dir = synth_work.parent_path() / "rtl";
    job.latency = checked.latency;
    job.write_latency = manifest.value("write_latency", 1);
    job.macro = config;
    const json area_components = JsonObject(r, "area", where).value("components", json::object());
    for (const auto& [c, v] : area_components.items()) {
      if (v.is_object() && v.contains("um2")) job.area_um2_by_component[c] = v["um2"].get<double>();
    }
    job.area = JsonNumber(JsonObject(r, "area", where), "total_um2", 0, 1e15, where + ": area");
    job.options.netlist = synth_work / "sta_netlist.v";
    if (!fs::exists(job.options.netlist) || !r.contains("timing") || r.at("timing").is_null()) {
      throw Error(fmt::format("--synth {}: {} has no timed netlist (was the synth run made with --no-sta?)",
                              o.synth_dir, job.arch));
    }
    const json& timing = JsonObject(r, "timing", where);
    // The design's one clock: the worst path over write, reset and compute paths.
    job.options.period_ns = JsonNumber(timing, "min_period_ns", 1e-6, 1e9, where + ": timing");
    job.options.top = checked.top;
    job.options.ports = synth::ManifestPorts(manifest);
    job.options.act_activity = o.act_activity;
    job.options.write_activity = o.write_activity;
    job.options.initiation_interval = checked.initiation_interval;
    job.options.work_dir = work / fmt::format("{}_{}", job.arch, job.config);
    jobs.push_back(std::move(job));
  }

  // Simulated activity: every design gets exactly one stimulus or trace,
  // checked before any tool runs.
  const bool simulated = !o.stimuli.empty() || !o.vcds.empty() || !o.map_dir.empty();
  auto design_list = [&] {
    std::string names;
    for (const Job& j : jobs) names += (names.empty() ? "" : ", ") + j.design;
    return names;
  };
  auto job_of = [&](const std::string& design) -> Job* {
    for (Job& j : jobs)
      if (j.design == design) return &j;
    return nullptr;
  };
  std::vector<std::string> stimuli = o.stimuli;
  if (!o.map_dir.empty()) {
    const fs::path map_json = fs::path(o.map_dir) / "map.json";
    if (!fs::is_regular_file(map_json)) {
      throw UsageError(fmt::format("--map {}: no map.json (the --out directory of flexcim map)", o.map_dir));
    }
    const json map = ReadJsonFile(map_json);
    inputs.push_back({"--map", map_json});
    for (const Job& j : jobs) {
      std::string file;
      if (map.contains("stimuli") && map.at("stimuli").is_array()) {
        for (const json& s : map.at("stimuli")) {
          if (s.is_object() && s.value("design", "") == j.design) file = s.value("file", "");
        }
      }
      if (file.empty()) {
        throw Error(fmt::format("--map {}: map.json lists no stimulus for {} (map it with --arch {} --stimulus-mac {} "
                                "--stimulus-storage {})",
                                o.map_dir, j.design, j.arch, MacStyleName(j.macro.mac()),
                                StorageKindName(j.macro.storage())));
      }
      stimuli.push_back((fs::path(o.map_dir) / file).string());
    }
  }
  for (const std::string& path : stimuli) {
    if (!fs::is_regular_file(path)) throw UsageError(fmt::format("--stimulus {}: no such file", path));
    const std::string config = StimulusConfig(path);
    Job* job = job_of(config);
    if (job == nullptr) {
      throw Error(fmt::format("--stimulus {}: the stimulus is for {}, which is not a design of --synth {} ({})",
                              path, config, o.synth_dir, design_list()));
    }
    if (!job->stimulus.empty()) throw UsageError(fmt::format("--stimulus {}: a second stimulus for {}", path, config));
    (void)verif::ReadStimulusFile(ArchConfig(ParseArch(job->arch), ManifestFromJson(
                                                                      ReadJsonFile(job->rtl_dir / "manifest.json"),
                                                                      (job->rtl_dir / "manifest.json").string())
                                                                      .config),
                                  path);
    job->stimulus = path;
    inputs.push_back({"--stimulus", path});
  }
  for (const std::string& spec : o.vcds) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos) throw UsageError(fmt::format("--activity-vcd {}: expected DESIGN=TRACE.vcd", spec));
    const std::string design = spec.substr(0, eq), path = spec.substr(eq + 1);
    Job* job = job_of(design);
    if (job == nullptr) {
      throw UsageError(fmt::format("--activity-vcd {}: {} is not a design of --synth {} ({})", spec, design,
                                   o.synth_dir, design_list()));
    }
    if (!job->stimulus.empty() || !job->vcd.empty()) {
      throw UsageError(fmt::format("--activity-vcd {}: {} already has a stimulus or trace", spec, design));
    }
    if (!fs::is_regular_file(path)) throw UsageError(fmt::format("--activity-vcd {}: no such file", path));
    job->vcd = path;
    inputs.push_back({"--activity-vcd", path});
  }
  if (simulated) {
    for (const Job& j : jobs) {
      if (j.stimulus.empty() && j.vcd.empty()) {
        throw UsageError(fmt::format("design {} of --synth {} has no --stimulus or --activity-vcd", j.design,
                                     o.synth_dir));
      }
    }
  }

  // Before minutes of OpenSTA: the output may be none of the inputs.
  RefuseOutputOverInputs({"--out", o.out}, inputs);
  RequireRegularFileOrMissing(o.out);
  fs::create_directories(work);
  const fs::path liberty = synth::PrepareLiberty(o.data_dir, work);
  for (Job& job : jobs) job.options.liberty = liberty;
  const auto start = std::chrono::steady_clock::now();
  if (simulated) return RunSimulatedEnergy(o, jobs, liberty, start);
  std::vector<synth::OperationEnergyOptions> designs;
  for (const Job& job : jobs) {
    std::cerr << fmt::format("flexcim energy: {} {}: 3 OpenSTA power runs at the one-clock period {:.3f} ns\n",
                             job.arch, job.config, job.options.period_ns);
    designs.push_back(job.options);
  }
  const std::vector<synth::OperationEnergy> results = synth::MeasureOperationEnergies(
      designs, o.jobs, [&](std::size_t i, const synth::OperationEnergy& e) {
        std::cerr << fmt::format("flexcim energy: {} done at {:.0f} s: fmax {:.1f} MHz, {:.2f} pJ/vector, "
                                 "{:.2f} pJ/row write, {:.3f} pJ/idle cycle\n",
                                 jobs[i].arch,
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                                 e.fmax_mhz(), e.vector_pj, e.row_write_pj, e.idle_cycle_pj);
      });

  json out;
  out["act_activity"] = o.act_activity;
  out["write_activity"] = o.write_activity;
  out["synth"] = o.synth_dir;
  for (size_t i = 0; i < jobs.size(); ++i) {
    json a = synth::ToJson(results[i]);
    a["config"] = jobs[i].config;
    a["area_um2"] = jobs[i].area;
    out["archs"][jobs[i].arch] = a;
  }
  WriteFileAtomically(o.out, out.dump(2) + "\n");
  std::cout << "| arch | configuration | area (µm²) | fmax (MHz) | pJ/vector | pJ/row write | pJ/idle cycle |\n"
               "|---|---|---:|---:|---:|---:|---:|\n";
  for (size_t i = 0; i < jobs.size(); ++i) {
    std::cout << fmt::format("| {} | {} | {:.0f} | {:.1f} | {:.3f} | {:.3f} | {:.4f} |\n", jobs[i].arch,
                             jobs[i].config, jobs[i].area, results[i].fmax_mhz(), results[i].vector_pj,
                             results[i].row_write_pj, results[i].idle_cycle_pj);
  }
  std::cout << fmt::format("wrote {}\n", o.out);
  return 0;
}

const CommandRegistrar kEnergy({"energy",
                                "energy per vector, row write and idle cycle of each design of a synth run (OpenSTA)",
                                RunEnergy});

}  // namespace
}  // namespace flexcim::cli
