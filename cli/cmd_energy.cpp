// flexcim energy: energy per macro operation (one input vector, one row
// write, one idle cycle) and the compute-path fmax of every design of a
// `flexcim synth` run, from OpenSTA on its netlists
// (synth/operation_energy.h). Writes the file `flexcim perf --energy` reads.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
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
#include "synth/operation_energy.h"

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
};

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

int RunEnergy(const std::vector<std::string>& args) {
  EnergyOptions o;
  po::options_description d("Energy per operation (docs/PERF.md)");
  d.add_options()
      ("synth", po::value(&o.synth_dir)->required(),
       "the --out directory of a `flexcim synth` run (its report.json names each design's netlist)")
      ("out", po::value(&o.out)->required(), "energy JSON to write (read by `flexcim perf --energy`)")
      ("act-activity", po::value(&o.act_activity)->default_value(o.act_activity),
       "in_act toggles per bit per cycle while vectors stream")
      ("write-activity", po::value(&o.write_activity)->default_value(o.write_activity),
       "toggles per bit per cycle of the write address and data during row writes")
      ("jobs", po::value(&o.jobs)->default_value(o.jobs), "OpenSTA runs at once (over all designs' 3 runs)");
  AddDataDirOption(d, o.data_dir);
  if (!ParseFlags(args, d, "energy", "--synth DIR --out FILE [--act-activity A] [--write-activity A]")) return 0;
  RequireActivity("--act-activity", o.act_activity);
  RequireActivity("--write-activity", o.write_activity);
  if (o.jobs < 1) throw UsageError(fmt::format("--jobs {}: must be >= 1", o.jobs));
  const fs::path report_path = fs::path(o.synth_dir) / "report.json";
  const json report = ReadSynthJson(report_path, o.synth_dir);
  const json& results_json = JsonArray(report, "results", report_path.string());
  if (results_json.empty()) throw Error(fmt::format("{}: no results", report_path.string()));
  const fs::path work = fs::path(o.synth_dir) / "energy_work";
  // Every file this run reads, so that --out can replace none of them.
  std::vector<FlagPath> inputs = {{"--synth", report_path}};

  struct Job {
    std::string arch, config;
    double area = 0;
    synth::OperationEnergyOptions options;
  };
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

  // Before minutes of OpenSTA: the output may be none of the inputs.
  RefuseOutputOverInputs({"--out", o.out}, inputs);
  RequireRegularFileOrMissing(o.out);
  fs::create_directories(work);
  const fs::path liberty = synth::PrepareLiberty(o.data_dir, work);
  for (Job& job : jobs) job.options.liberty = liberty;
  const auto start = std::chrono::steady_clock::now();
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
