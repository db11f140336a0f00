// The generic testbench `flexcim verify` builds for any configuration: it
// reads the design's manifest.json, drives the Verilated flexcim_top
// (prefix Vflexcim_top) with random in-contract traffic and compares every
// edge with the golden cycle model. Exit 0 only with zero mismatches.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "Vflexcim_top.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "verif/cosim_check.h"
#include "verif/stimulus_file.h"
#include "verif/toggle_rates.h"
#include "verif/verilated_dut.h"

namespace po = boost::program_options;
using namespace flexcim;

namespace {

struct TestbenchOptions {
  std::string rtl_dir;
  int vectors = 5000;
  uint64_t seed = 1;
  std::string json;
  std::string stimulus;  // replay this file instead of random traffic
};

MacroConfig ConfigFromManifest(const std::string& rtl_dir) {
  const std::string path = rtl_dir + "/manifest.json";
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("{}: cannot read", path));
  const nlohmann::json m = nlohmann::json::parse(in);
  const auto& p = m.at("params");
  return MacroConfig::Create(p.at("P"), p.at("R"), p.at("C"), p.at("G"), p.at("A"), p.at("W"));
}

int Run(const TestbenchOptions& o) {
  const MacroConfig config = ConfigFromManifest(o.rtl_dir);
  verif::Stimulus stimulus;
  if (o.stimulus.empty()) {
    stimulus = verif::RandomStimulus(config, {.vectors = o.vectors, .seed = o.seed});
  } else {
    stimulus.cycles = verif::ReadStimulusFile(config, o.stimulus);
  }
  verif::VerilatedDut<Vflexcim_top> dut(config);
  const auto start = std::chrono::steady_clock::now();
  const verif::CosimResult result = verif::RunCosim(dut, stimulus);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << result.Summary(config.pipeline_latency()) << "\n";
  std::cout << fmt::format("{}: {} cycles{}, {:.0f} vectors/s\n", config.Name(), result.cycles,
                           o.stimulus.empty()
                               ? fmt::format(", {} resets, {} vectors dropped by reset",
                                             stimulus.stats.resets, stimulus.stats.dropped)
                               : ", stimulus " + o.stimulus,
                           result.vectors_checked / seconds);
  if (!o.json.empty()) {
    nlohmann::json j;
    j["config"] = config.Name();
    j["vectors"] = result.vectors_checked;
    j["cycles"] = result.cycles;
    j["mismatches"] = result.mismatch_count;
    j["latency"] = config.pipeline_latency();
    j["seed"] = o.seed;
    j["seconds"] = seconds;
    j["vectors_per_second"] = result.vectors_checked / seconds;
    j["input_toggle_rates"] = verif::InputToggleRates(config, stimulus.cycles);
    j["first_mismatches"] = nlohmann::json::array();
    for (const auto& m : result.first_mismatches) j["first_mismatches"].push_back(m.ToString());
    WriteFileAtomically(o.json, j.dump(2) + "\n");
  }
  return result.ok() ? 0 : 1;
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
      ("stimulus", po::value(&o.stimulus), "replay this stimulus file (flexcim map --stimulus-layer)");
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
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "flexcim_tb: error: " << e.what() << "\n";
    return 1;
  }
}
