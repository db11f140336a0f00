// flexcim verify: generate any configuration of any architecture (or take
// a generated design directory), verilate it with the generic testbench
// through Verilator's CMake package, run random in-contract traffic or a
// replayed stimulus against the golden cycle model of its architecture,
// optionally with a waveform. No CMake editing by the user; the build is
// reused across runs.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "core/design_manifest.h"
#include "core/errors.h"
#include "core/atomic_file.h"
#include "core/output_directory.h"
#include "core/subprocess.h"
#include "generator/design_writer.h"
#include "generator/arch_generator.h"
#include "verif/stimulus_file.h"
#include "verif/testbench_build.h"
#include "flow_pruner/pruned_container.h"
#include "cli/accel_flags.h"
#include "verif/accel_verify.h"

namespace flexcim::cli {
namespace {

namespace fs = std::filesystem;

// --vectors: the random stimulus is generated in memory before it runs.
constexpr int kMaxVerifyVectors = 10'000'000;

struct VerifyOptions {
  MacroConfigFlags macro;
  std::string arch = "flexcim";
  std::string work;
  std::string rtl;
  int vectors = 5000;
  uint64_t seed = 1;
  std::string json;
  std::string stimulus;
  std::string trace;
  // --accel (docs/ACCEL.md "Verification").
  bool accel = false;
  AccelParams accel_params{.macros = 2, .wbuf_rows = 256, .abuf_words = 32, .obuf_rows = 32, .descriptors = 16,
                           .max_tokens = 8};
  std::string schedule = "overlapped";
  std::string pruned, layer, layer_shape = "16x32", nm = "1:2";
  int block = -1;
  int tokens = 2;
};

constexpr const char* kExitCodes =
    "Exit codes: 0 every output matched the golden model; 3 MISMATCH: the RTL and the golden model "
    "disagree (the first mismatches are printed); 1 any other failure (bad stimulus or manifest, "
    "Verilator or compiler failure, I/O); 2 usage error.";

po::options_description VerifyFlags(VerifyOptions& o) {
  po::options_description d = MacroConfigOptions(o.macro);
  po::options_description own(std::string("Verification\n") + kExitCodes);
  own.add_options()
      ("arch", po::value(&o.arch)->default_value(o.arch),
       "architecture to generate and verify: flexcim, dense or sparse12 (FLEXCIM.md 6; each against its own "
       "golden model)")
      ("work", po::value(&o.work), "work directory (default: <tmp>/flexcim-verify-<design>); reused: an "
       "identical design keeps its files and the Verilator build is incremental, so a second run of the "
       "same configuration only re-runs the simulation")
      ("rtl", po::value(&o.rtl), "verify this generated design directory of any architecture (manifest.json + Verilog, e.g. "
       "edited by hand) instead of generating one; its manifest gives the architecture and configuration")
      ("vectors", po::value(&o.vectors)->default_value(o.vectors), "random vectors, >= 1")
      ("seed", po::value(&o.seed)->default_value(o.seed), "random seed")
      ("json", po::value(&o.json), "also write the result as JSON to this file")
      ("stimulus", po::value(&o.stimulus),
       "replay this pin-level stimulus (e.g. a real layer from `flexcim map --stimulus-layer`) "
       "instead of random traffic; it is checked against the configuration and the contract of "
       "FLEXCIM.md 5b before anything is built")
      ("trace", po::value(&o.trace),
       "write a waveform of the whole run to FILE.vcd or FILE.fst, for GTKWave: every signal of the "
       "design, a 10 ns clock (each edge its own time step), cycle n's rising edge at 10n+5 ns; a "
       "mismatch names its edge and time. The model is then verilated with tracing, in its own "
       "build tree");
  d.add(own);
  po::options_description accel("Accelerator (--accel)");
  accel.add_options()
      ("accel", po::bool_switch(&o.accel),
       "verify the accelerator around Q macros (docs/ACCEL.md): one layer loaded into its buffers through the "
       "host interface, outputs against the layer's integer GEMV, cycles against the system model")
      ("schedule", po::value(&o.schedule)->default_value(o.schedule), "with --accel: serial or overlapped")
      ("pruned", po::value(&o.pruned), "with --accel: a `flexcim prune` output directory or its pruned.flexcim")
      ("layer", po::value(&o.layer), "with --pruned: the layer, e.g. 0.wq")
      ("block", po::value(&o.block),
       "with --pruned, instead of --layer: every linear layer of this decoder block (wq wk wv wo w1 w2 w3), one "
       "run each; attention, the norms, SiLU gating and the residuals stay outside the accelerator")
      ("layer-shape", po::value(&o.layer_shape)->default_value(o.layer_shape),
       "with --accel and no --pruned: a random legal layer of OUTxIN")
      ("nm", po::value(&o.nm)->default_value(o.nm), "with --accel and no --pruned: its N:M pattern")
      ("tokens", po::value(&o.tokens)->default_value(o.tokens), "with --accel: tokens run through the layer");
  accel.add(AccelOptions(o.accel_params));
  d.add(accel);
  return d;
}

// flexcim verify --accel: the layer, refused before anything is built when
// its descriptors are bad, then the RTL run.
int RunAccelVerify(const VerifyOptions& o) {
  const golden::Schedule schedule = golden::ParseSchedule(o.schedule);
  if (schedule == golden::Schedule::kParallelPorts) {
    throw UsageError("--schedule parallel-ports: the accelerator has one weight port: serial or overlapped");
  }
  if (o.tokens < 1) throw UsageError(fmt::format("--tokens {}: must be >= 1", o.tokens));
  const AccelConfig config = AccelConfig::Create(ParseArch(o.arch), o.macro.ToConfig(), o.accel_params);
  if (o.block < -1) throw UsageError(fmt::format("--block {}: must be >= 0", o.block));
  if (o.block >= 0 && o.pruned.empty()) throw UsageError(fmt::format("--block {}: only with --pruned", o.block));
  std::mt19937_64 rng(o.seed);
  verif::AccelLayer layer;
  layer.tokens = o.tokens;
  std::vector<verif::AccelLayer> block_layers;
  if (!o.pruned.empty()) {
    if (o.layer.empty() == (o.block < 0)) {
      throw UsageError("--pruned: give the layer with --layer (e.g. 0.wq) or a whole block with --block (e.g. 3)");
    }
    fs::path path = o.pruned;
    if (fs::is_directory(path)) path /= "pruned.flexcim";
    const pruner::PrunedContainer c = pruner::ReadContainer(path);
    const int64_t lo = -(int64_t{1} << (config.macro().a_bits() - 1)), hi = -lo - 1;
    auto accel_layer = [&](const pruner::PrunedLayer& l) {
      verif::AccelLayer a;
      a.name = l.FullName();
      a.tokens = o.tokens;
      a.pattern = l.pattern;
      a.weights = {l.rows, l.cols, std::vector<int32_t>(l.weights.begin(), l.weights.end()), l.mask};
      a.x.resize(static_cast<size_t>(o.tokens) * a.weights.in_features);
      for (auto& v : a.x) v = static_cast<int32_t>(std::uniform_int_distribution<int64_t>(lo, hi)(rng));
      return a;
    };
    for (const pruner::PrunedLayer& l : c.layers) {
      if (o.block >= 0 && l.block == o.block) block_layers.push_back(accel_layer(l));
      if (o.block < 0 && l.FullName() == o.layer) layer = accel_layer(l);
    }
    if (o.block >= 0 && block_layers.empty()) {
      throw UsageError(fmt::format("--block {}: no layer of block {} in {}", o.block, o.block, path.string()));
    }
    if (o.block < 0 && layer.name.empty()) {
      throw UsageError(fmt::format("--layer {}: no such layer in {}", o.layer, path.string()));
    }
  } else {
    int out = 0, in = 0;
    char x = 0;
    std::istringstream shape(o.layer_shape);
    if (!(shape >> out >> x >> in) || x != 'x' || out < 1 || in < 1 || !shape.eof()) {
      throw UsageError(fmt::format("--layer-shape {}: must be OUTxIN, both >= 1", o.layer_shape));
    }
    const NmPattern pattern = NmPattern::Parse(o.nm, "--nm");
    verif::RandomAccelLayer r = verif::MakeRandomAccelLayer(config.macro(), pattern, out, in, o.tokens, rng);
    layer.name = fmt::format("random_{}x{}_{}", out, in, pattern.ToString());
    layer.pattern = pattern;
    layer.weights = std::move(r.weights);
    layer.x = std::move(r.x);
  }
  // Refused here, before minutes of building, when the descriptors are bad.
  for (const verif::AccelLayer& l : block_layers) (void)verif::MakeAccelProgram(config, l, schedule);
  const verif::AccelProgram program =
      block_layers.empty() ? verif::MakeAccelProgram(config, layer, schedule) : verif::AccelProgram{};
  const fs::path work =
      o.work.empty() ? fs::temp_directory_path() / ("flexcim-verify-" + config.TopName()) : fs::path(o.work);
  // As for a macro: a --work of the user's own is not filled with ours.
  if (!o.work.empty()) {
    verif::RequireCMakeSafePath("--work", o.work);
    RefuseOutputOverInputs({"--work", o.work}, {{"--pruned", o.pruned}});
    ClaimOutputDirectory({"--work", o.work}, "verify");
  }
  auto progress = [](const std::string& line) { std::cerr << "verify: " << line << "\n"; };
  if (!block_layers.empty()) {
    const verif::AccelLayersResult r = verif::RunAccelLayers(config, block_layers, schedule, work, progress);
    for (const std::string& line : r.lines) std::cout << line << "\n";
    if (r.exit_code != 0) {
      std::cerr << fmt::format("verify: MISMATCH: the accelerator {} disagrees on block {} (work dir {})\n",
                               config.TopName(), o.block, work.string());
      return r.exit_code;
    }
    std::cout << fmt::format("block {}: {} linear layers, one run each (attention, norms, SiLU gating and "
                             "residuals outside the accelerator)\nverified {} outputs, 0 mismatches; {} cycles, "
                             "equal to the system model\n",
                             o.block, block_layers.size(), r.outputs, r.cycles);
    return 0;
  }
  progress(fmt::format("layer {}: {} tiles, {} tokens, {} schedule on {} macros", layer.name,
                       program.descriptors.size(), layer.tokens, o.schedule, config.macros()));
  const verif::AccelRunResult r =
      verif::RunAccelProgram(config, program.ToJson(config), work, "program", progress);
  std::cout << r.output;
  if (r.exit_code != 0) {
    std::cerr << fmt::format("verify: MISMATCH: the accelerator {} disagrees (work dir {})\n", config.TopName(),
                             work.string());
  }
  return r.exit_code;
}

bool AnyMacroFlagGiven(const po::variables_map& vm) {
  for (const char* f : {"arch", "subs", "rows", "cols", "sel-group", "a-bits", "w-bits", "mac", "storage"}) {
    if (vm.count(f) && !vm[f].defaulted()) return true;
  }
  return false;
}

int RunVerify(const std::vector<std::string>& args) {
  VerifyOptions o;
  const auto vm = ParseFlags(args, VerifyFlags(o), "verify",
                             "[--arch A] [macro flags | --rtl DIR] [--vectors N] [--seed S] [--stimulus FILE] "
                             "[--trace FILE.vcd|.fst] [--work DIR]");
  if (!vm) return 0;
  if (o.accel) return RunAccelVerify(o);
  if (o.vectors < 1) throw UsageError(fmt::format("--vectors {}: must be >= 1", o.vectors));
  if (o.vectors > kMaxVerifyVectors) {
    throw UsageError(fmt::format("--vectors {}: must be at most {} (the stimulus is held in memory)", o.vectors,
                                 kMaxVerifyVectors));
  }
  // Outputs are checked before minutes of building: none may be an input
  // (or a file of the --rtl design), and each must be writable.
  std::vector<FlagPath> inputs = {{"--stimulus", o.stimulus}};
  for (FlagPath& f : FilesOfInputDirectory("--rtl", o.rtl)) inputs.push_back(std::move(f));
  RefuseOutputOverInputs({"--json", o.json}, inputs);
  inputs.push_back({"--json", o.json});
  RefuseOutputOverInputs({"--trace", o.trace}, inputs);
  if (!o.json.empty()) RequireWritableTarget("--json", o.json);
  if (!o.trace.empty()) RequireWritableTarget("--trace", o.trace);
  // The work and design directories are written into a CMake project.
  if (!o.work.empty()) verif::RequireCMakeSafePath("--work", o.work);
  if (!o.rtl.empty()) verif::RequireCMakeSafePath("--rtl", fs::absolute(o.rtl));
  if (!o.stimulus.empty() && !fs::is_regular_file(o.stimulus)) {
    throw UsageError(fmt::format("--stimulus {}: no such file", o.stimulus));
  }
  const std::string trace_format = o.trace.empty() ? "" : verif::WaveformFormatOf(o.trace);
  if (!o.trace.empty() && trace_format.empty()) {
    throw UsageError(fmt::format("--trace {}: the file name must end in .vcd or .fst", o.trace));
  }
  if (!o.rtl.empty() && AnyMacroFlagGiven(*vm)) {
    throw UsageError(fmt::format("--rtl {}: the architecture and configuration come from its manifest.json; "
                                 "do not also give --arch or macro flags",
                                 o.rtl));
  }
  // The architecture and configuration, from the flags or from the design's manifest.
  const ArchConfig design = [&] {
    if (!o.rtl.empty()) {
      const DesignManifest manifest = ReadDesignManifest(o.rtl);
      return ArchConfig(manifest.arch, manifest.config);
    }
    return ArchConfig(ParseArch(o.arch), o.macro.ToConfig());
  }();
  // A bad stimulus is reported as such, before minutes of building.
  if (!o.stimulus.empty()) verif::ReadStimulusFile(design, o.stimulus);

  const fs::path work =
      o.work.empty() ? fs::temp_directory_path() / ("flexcim-verify-" + design.Name()) : fs::path(o.work);
  // A --work of the user's own is not filled with ours (the default under
  // <tmp> is this command's own).
  if (!o.work.empty()) {
    RefuseOutputOverInputs({"--work", o.work}, {{"--rtl", o.rtl}, {"--stimulus", o.stimulus}});
    ClaimOutputDirectory({"--work", o.work}, "verify");
  }
  auto progress = [](const std::string& line) { std::cerr << "verify: " << line << "\n"; };
  fs::path rtl_dir = o.rtl;
  if (o.rtl.empty()) {
    rtl_dir = work / "rtl";
    const bool written = gen::WriteDesignIfChanged(gen::GenerateArch(design.arch(), design.macro()), rtl_dir);
    progress(fmt::format("{} {} in {}", written ? "generated" : "unchanged design", design.Name(),
                         rtl_dir.string()));
  }
  const fs::path tb = verif::BuildTestbench(
      {.rtl_dir = rtl_dir, .work_dir = work / "tb", .trace_format = trace_format, .progress = progress});
  if (!o.stimulus.empty()) {
    progress(fmt::format("replaying {}", o.stimulus));
  } else {
    progress(fmt::format("running {} random vectors (seed {})", o.vectors, o.seed));
  }
  std::vector<std::string> command = {tb.string(), "--rtl", fs::absolute(rtl_dir).string(), "--vectors",
                                      std::to_string(o.vectors), "--seed", std::to_string(o.seed)};
  if (!o.json.empty()) command.insert(command.end(), {"--json", fs::absolute(o.json).string()});
  if (!o.stimulus.empty()) command.insert(command.end(), {"--stimulus", fs::absolute(o.stimulus).string()});
  if (!o.trace.empty()) command.insert(command.end(), {"--trace", fs::absolute(o.trace).string()});
  std::cout.flush();
  // The testbench's output is shown as it comes and kept: a run that ends
  // without its summary (e.g. a design calling $finish) compared nothing.
  const ProcessResult run = RunProcess({.argv = command, .cwd = {}, .log = {}, .stdout_file = {}, .echo = true});
  const std::string everything = run.out + run.err;
  if (const std::string_view finish = verif::VerilogFinishLine(everything); !finish.empty()) {
    throw Error(fmt::format("the design called $finish ({}): a macro must not end the simulation, so the "
                            "comparison cannot be trusted",
                            finish));
  }
  if (run.status.ok() && !verif::HasTestbenchSummary(run.out, design.Name())) {
    throw Error(fmt::format("the testbench {} exited 0 without its final summary line ('verified N vectors, ...' "
                            "and '{}: N cycles, ...'); the design may have called $finish: nothing was "
                            "verified",
                            tb.string(), design.Name()));
  }
  if (run.status.ok()) return 0;
  if (run.status.signal == 0 && run.status.code == verif::kTestbenchMismatch) {
    std::cerr << fmt::format("verify: MISMATCH: the RTL of {} disagrees with the golden model (testbench {}, "
                             "work dir {})\n",
                             design.Name(), tb.string(), work.string());
    return verif::kTestbenchMismatch;
  }
  throw Error(fmt::format("the testbench {} failed ({}) before comparing every output; its message is above",
                          tb.string(), run.status.Describe()));
}

const CommandRegistrar kVerify({"verify",
                                "generate, verilate and co-simulate any configuration of any architecture against the golden model",
                                RunVerify});

}  // namespace
}  // namespace flexcim::cli
