// The generic testbench `flexcim verify` builds for any design of any
// architecture: it reads the design's manifest.json, drives the Verilated
// top level (prefix Vtb_top: flexcim_top, dense_top or sparse12_top, the
// pins of its port signature) with random in-contract traffic or a
// replayed stimulus file (checked against the contract before the run) and
// compares every edge with the golden cycle model of the manifest's arch;
// with --trace it also writes a waveform of the whole run (when verilated
// with TRACE / TRACE_FST).
// Exit codes (TestbenchExit): 0 zero mismatches, 3 the RTL and the golden
// model disagree, 1 any other failure (bad manifest or stimulus, I/O),
// 2 usage.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "Vtb_top.h"
#include "core/atomic_file.h"
#include "core/design_manifest.h"
#include "core/errors.h"
#include "verif/cosim_check.h"
#include "verif/stimulus_file.h"
#include "verif/testbench_build.h"
#include "verif/toggle_rates.h"
#include "verif/verilated_dut.h"
#include "verif/waveform_file.h"

namespace po = boost::program_options;
using namespace flexcim;

namespace {

struct TestbenchOptions {
  std::string rtl_dir;
  int vectors = 5000;
  uint64_t seed = 1;
  std::string json;
  std::string stimulus;  // replay this file instead of random traffic
  std::string trace;     // waveform file (.vcd or .fst)
};

// Refuses a manifest the testbench was not verilated for, naming both and
// the flag that rebuilds it.
void RequireBuiltFor(const std::string& rtl_dir, bool matches, const std::string& manifest_is,
                     const std::string& built_for, const std::string& rebuild_flag) {
  if (matches) return;
  throw Error(fmt::format("{}/manifest.json: a {} manifest handed to a testbench verilated for {} (rebuild it "
                          "with the design: flexcim verify {})",
                          rtl_dir, manifest_is, built_for, rebuild_flag));
}

int Run(const TestbenchOptions& o) {
  const DesignManifest manifest = ReadDesignManifest(o.rtl_dir);
  const ArchConfig design(manifest.arch, manifest.config);
  const MacroConfig& config = design.macro();
  // This testbench was verilated for one design: one architecture's top
  // level, one cell style (FLEXCIM.md 5c), one storage kind.
#ifdef FLEXCIM_TB_ARCH
  RequireBuiltFor(o.rtl_dir, manifest.arch == ParseArch(FLEXCIM_TB_ARCH), ArchName(manifest.arch),
                  FLEXCIM_TB_ARCH, "--rtl " + o.rtl_dir);
#endif
#ifdef FLEXCIM_TB_MAC
  RequireBuiltFor(o.rtl_dir, config.mac() == ParseMacStyle(FLEXCIM_TB_MAC), std::string(MacStyleName(config.mac())),
                  fmt::format("{} cells", FLEXCIM_TB_MAC), fmt::format("--mac {}", MacStyleName(config.mac())));
#endif
#ifdef FLEXCIM_TB_STORAGE
  RequireBuiltFor(o.rtl_dir, config.storage() == ParseStorageKind(FLEXCIM_TB_STORAGE),
                  fmt::format("{} storage", StorageKindName(config.storage())),
                  fmt::format("{} storage", FLEXCIM_TB_STORAGE),
                  fmt::format("--storage {}", StorageKindName(config.storage())));
#endif
  verif::Stimulus stimulus;
  if (o.stimulus.empty()) {
    stimulus = verif::RandomStimulus(design, {.vectors = o.vectors, .seed = o.seed});
  } else {
    stimulus.cycles = verif::ReadStimulusFile(design, o.stimulus);
  }
  verif::VerilatedDut<Vtb_top> dut(design);
#if VM_TRACE
  std::unique_ptr<verif::WaveformFile<Vtb_top>> waveform;
  if (!o.trace.empty()) {
    waveform = std::make_unique<verif::WaveformFile<Vtb_top>>(dut.context(), dut.top(), o.trace);
    dut.set_after_eval([&waveform](uint64_t time) { waveform->Dump(time); });
  }
#else
  if (!o.trace.empty()) {
    throw Error(fmt::format("--trace {}: this testbench was verilated without waveform support "
                            "(flexcim verify --trace builds one that has it)",
                            o.trace));
  }
#endif
  const auto start = std::chrono::steady_clock::now();
  const verif::CosimResult result = verif::RunCosim(dut, stimulus);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
#if VM_TRACE
  if (waveform) {
    waveform->Finish();
    std::string where;
    if (!result.ok()) {
      const int64_t edge = result.first_mismatches.front().cycle;
      where = fmt::format("; first mismatch at edge {}, time {}", edge,
                          edge * 2 * verif::kHalfPeriod + verif::kHalfPeriod);
    }
    std::cerr << fmt::format("waveform of {} edges: {}{}\n", result.cycles, o.trace, where);
  }
#endif
  std::cout << result.Summary() << "\n";
  std::cout << fmt::format("{}: {} cycles{}, {:.0f} vectors/s, {:.0f} cycles/s\n", design.Name(), result.cycles,
                           o.stimulus.empty()
                               ? fmt::format(", {} resets, {} vectors dropped by reset",
                                             stimulus.stats.resets, stimulus.stats.dropped)
                               : ", stimulus " + o.stimulus,
                           result.vectors_checked / seconds, result.cycles / seconds);
  if (!o.json.empty()) {
    nlohmann::json j;
    j["config"] = design.Name();
    j["arch"] = ArchName(design.arch());
    j["vectors"] = result.vectors_checked;
    j["cycles"] = result.cycles;
    j["mismatches"] = result.mismatch_count;
    j["latency"] = design.pipeline_latency();
    j["initiation_interval"] = design.initiation_interval();
    j["seed"] = o.seed;
    j["seconds"] = seconds;
    j["vectors_per_second"] = result.vectors_checked / seconds;
    j["cycles_per_second"] = result.cycles / seconds;
    j["input_toggle_rates"] = verif::InputToggleRates(design, stimulus.cycles);
    j["first_mismatches"] = nlohmann::json::array();
    for (const auto& m : result.first_mismatches) j["first_mismatches"].push_back(m.ToString());
    WriteFileAtomically(o.json, j.dump(2) + "\n");
  }
  return result.ok() ? verif::kTestbenchPassed : verif::kTestbenchMismatch;
}

}  // namespace

int main(int argc, char** argv) {
  TestbenchOptions o;
  po::options_description d("flexcim generic testbench");
  d.add_options()("help", "this help")
      ("rtl", po::value(&o.rtl_dir)->required(), "generated design directory (manifest.json)")
      ("vectors", po::value(&o.vectors)->default_value(o.vectors), "random vectors")
      ("seed", po::value(&o.seed)->default_value(o.seed), "random seed")
      ("json", po::value(&o.json), "write the result as JSON here")
      ("stimulus", po::value(&o.stimulus), "replay this stimulus file (flexcim map --stimulus-layer)")
      ("trace", po::value(&o.trace), "write a waveform of the run here (.vcd or .fst, as verilated)");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, d), vm);
    if (vm.count("help")) {
      std::cout << d << "\n";
      return 0;
    }
    po::notify(vm);
    return Run(o);
  } catch (const po::error& e) {
    std::cerr << "flexcim_tb: " << e.what() << "\n";
    return verif::kTestbenchUsage;
  } catch (const std::exception& e) {
    std::cerr << "flexcim_tb: error: " << e.what() << "\n";
    return verif::kTestbenchFailed;
  }
}
