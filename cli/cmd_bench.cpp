// flexcim bench: the speed figures the issues set targets for, measured on
// this machine and printed as a table plus JSON (never asserted in tests).
//   golden   reference loops, fast path and a plain int8 GEMV of the same
//            MAC count, default configuration (target: fast >= 1 G MAC/s)
//   verilator co-simulation vectors/s on the default configuration (>= 50k),
//            and simulated cycles/s (>= 100k) and vectors/s of the
//            bit-serial default macro
//   gen      generator wall time and output size for P=16, R=256, C=256 (< 10 s)
//   forward  fp32 forward pass tokens/s on the evaluation text
//   stories15m  the model users see (stories15M, tokenizer.bin, read in
//            place from the data directory): evaluation of the held-out
//            slice 3300:4299 (>= 2,500 tokens/s, < 25 s, issue 17), batched
//            calibration (blocks 0:255), the fp32 GEMM kernel on the
//            classifier's shape, CPU time per token (independent of other
//            load on the machine), and the peak RSS over the fp32 model (< 4)
//   recurrent  RWKV v5.2 forward vs a same-size Llama, one thread (target: RWKV within 2x)
//   prune    FLOW prune (calibration + selection + pruning + one evaluation) (< 20 s);
//            stories15M FLOW 0.5 with OBS reconstruction as `flexcim prune`
//            runs it (in place) + one held-out evaluation (< 3 min, issue 17),
//            and its peak RSS over the fp32 model (< 4)
//   on-macro perplexity of the held-out blocks with every pruned layer of the
//            FLOW 0.5 model on the golden macro's tiles (< 60 s, issue 10)
//   synth    Yosys + OpenSTA of the default configuration (< 2 min)
//   hf-load  load a 1 GiB BF16 Hugging Face checkpoint it writes (< 3 s,
//            peak RSS <= 1.1 x the fp32 weights kept)
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <utility>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sys/resource.h>
#include <thread>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "cli/model_path_options.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/output_directory.h"
#include "core/json_input.h"
#include "core/parallel_for.h"
#include "core/subprocess.h"
#include "flow_pruner/calibration.h"
#include "flow_pruner/gemm.h"
#include "flow_pruner/macro_linear_executor.h"
#include "flow_pruner/hf_load_benchmark.h"
#include "flow_pruner/perplexity.h"
#include "flow_pruner/recurrent_benchmark.h"
#include "flow_pruner/recurrent_language_model.h"
#include "flow_pruner/rwkv_reader.h"
#include "flow_pruner/text_blocks.h"
#include "flow_pruner/prune_pipeline.h"
#include "generator/design_writer.h"
#include "generator/flexcim_generator.h"
#include "golden/fast_model.h"
#include "golden/plain_gemv.h"
#include "golden/reference_model.h"
#include "verif/testbench_build.h"

namespace flexcim::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Every part `--only` can name, in the order the help lists them.
constexpr std::array<std::string_view, 10> kBenchParts = {"golden",  "verilator", "gen",   "forward", "stories15m",
                                                           "prune",   "on-macro",  "synth", "hf-load", "recurrent"};

struct BenchOptions {
  ModelPathFlags paths;
  std::string only = "golden,verilator,gen,forward,stories15m,prune,on-macro,hf-load,recurrent";  // all but synth
  std::string out = "bench-out";
  int vectors = 20000;
  bool hf_keep = false;
};

struct Row {
  std::string what;
  double value;
  std::string unit;
  std::string target;
};

golden::MacroStorage RandomStorage(const MacroConfig& c, std::mt19937_64& rng) {
  golden::MacroStorage s(c);
  const int wmax = (1 << (c.w_bits() - 1)) - 1;
  std::uniform_int_distribution<int> w(-wmax - 1, wmax), bit(0, 1), sel(0, c.subs() - 1);
  for (int k = 0; k < c.subs(); ++k) {
    for (int r = 0; r < c.rows(); ++r) {
      for (int col = 0; col < c.cols(); ++col) {
        s.SetWeight(k, r, col, w(rng));
        s.SetElement(k, r, col, bit(rng));
      }
      for (int q = 0; q < c.select_groups(); ++q) s.SetSelect(k, r, q, sel(rng));
    }
  }
  return s;
}

void BenchGolden(std::vector<Row>& rows, nlohmann::json& j, int vectors) {
  const MacroConfig c = MacroConfig::Default();
  std::mt19937_64 rng(1);
  const golden::MacroStorage storage = RandomStorage(c, rng);
  std::vector<int32_t> acts(static_cast<size_t>(vectors) * c.act_lanes());
  std::uniform_int_distribution<int> a(-128, 127);
  for (auto& x : acts) x = a(rng);
  const double macs = static_cast<double>(vectors) * c.cells();

  // Reference loops: a tenth of the vectors (they are slow by design).
  const int ref_vectors = std::max(1, vectors / 10);
  auto t = Clock::now();
  int64_t sink = 0;
  for (int v = 0; v < ref_vectors; ++v) {
    const std::vector<int32_t> x(acts.begin() + static_cast<size_t>(v) * c.act_lanes(),
                                 acts.begin() + static_cast<size_t>(v + 1) * c.act_lanes());
    sink += golden::ReferenceCompute(storage, x, v % (c.max_nlog2() + 1))[0];
  }
  const double ref = static_cast<double>(ref_vectors) * c.cells() / Seconds(t);

  const golden::FastModel fast(storage);
  std::vector<int64_t> out(static_cast<size_t>(vectors) * c.output_lanes());
  t = Clock::now();
  fast.ComputeBatch(acts.data(), vectors, 0, out.data());
  const double fast_rate = macs / Seconds(t);

  std::vector<int8_t> w8(static_cast<size_t>(c.cells()));
  for (auto& w : w8) w = static_cast<int8_t>(a(rng));
  const golden::PlainGemv gemv = golden::PlainGemv::ForMacro(c, w8);
  std::vector<int8_t> x8(static_cast<size_t>(vectors) * gemv.inputs());
  for (auto& x : x8) x = static_cast<int8_t>(a(rng));
  std::vector<int32_t> y(static_cast<size_t>(vectors) * gemv.outputs());
  t = Clock::now();
  gemv.ComputeBatch(x8.data(), vectors, y.data());
  const double gemv_rate = static_cast<double>(vectors) * gemv.macs_per_vector() / Seconds(t);
  sink += out[0] + y[0];

  rows.push_back({"golden reference loops (default macro)", ref / 1e9, "G MAC/s", ""});
  rows.push_back({fmt::format("golden fast path ({})", golden::FastKernelName(fast.kernel())),
                  fast_rate / 1e9, "G MAC/s", ">= 1"});
  rows.push_back({"plain int8 GEMV, same MACs", gemv_rate / 1e9, "G MAC/s", ""});
  j["golden"] = {{"config", c.Name()},
                 {"reference_gmacs", ref / 1e9},
                 {"fast_gmacs", fast_rate / 1e9},
                 {"fast_kernel", golden::FastKernelName(fast.kernel())},
                 {"plain_int8_gemv_gmacs", gemv_rate / 1e9},
                 {"vectors", vectors},
                 {"checksum", sink}};
}

// Co-simulation (Verilated RTL + golden compare, the testbench of `flexcim
// verify`) of one design; returns the testbench's JSON.
nlohmann::json RunCosimBench(const MacroConfig& c, const fs::path& work, int vectors) {
  gen::WriteDesignIfChanged(gen::GenerateFlexcim(c), work / "rtl");
  const fs::path tb = verif::BuildTestbench(
      {.rtl_dir = work / "rtl", .work_dir = work / "tb",
       .progress = [](const std::string& l) { std::cerr << "bench: " << l << "\n"; }});
  const fs::path json = work / "cosim.json";
  RunLogged({tb.string(), "--rtl", (work / "rtl").string(), "--vectors", std::to_string(vectors), "--json",
             json.string()},
            work / "cosim.log", "co-simulation");
  return ReadJsonFile(json);
}

void BenchVerilator(std::vector<Row>& rows, nlohmann::json& j, const fs::path& work, int vectors) {
  const nlohmann::json r = RunCosimBench(MacroConfig::Default(), work, vectors);
  rows.push_back({"Verilator co-simulation (default macro, with golden compare)",
                  r.at("vectors_per_second").get<double>() / 1e3, "k vectors/s", ">= 50"});
  j["verilator"] = r;
  // Issue 8: the bit-serial default macro (II = A = 8 cycles per vector).
  const MacroConfig bs = MacroConfig::Default().WithMac(MacStyle::kBitSerial);
  const nlohmann::json s = RunCosimBench(bs, work / "bit_serial", vectors);
  rows.push_back({fmt::format("Verilator co-simulation ({}, with golden compare)", bs.Name()),
                  s.at("cycles_per_second").get<double>() / 1e3, "k cycles/s", ">= 100"});
  rows.push_back({fmt::format("Verilator co-simulation ({}), vectors", bs.Name()),
                  s.at("vectors_per_second").get<double>() / 1e3, "k vectors/s", ""});
  j["verilator_bit_serial"] = s;
}

void BenchGenerator(std::vector<Row>& rows, nlohmann::json& j, const fs::path& work) {
  const MacroConfig c = MacroConfig::Create({.subs = 16, .rows = 256, .cols = 256, .sel_group = 256, .a_bits = 8, .w_bits = 8});
  const auto t = Clock::now();
  gen::WriteDesign(gen::GenerateFlexcim(c), work / "gen_p16_r256_c256");
  const double s = Seconds(t);
  uintmax_t bytes = 0;
  for (const auto& e : fs::directory_iterator(work / "gen_p16_r256_c256")) bytes += e.file_size();
  rows.push_back({"gen P=16 R=256 C=256 (wall time incl. writing)", s, "s", "< 10"});
  rows.push_back({"gen P=16 R=256 C=256 output size", bytes / 1024.0, "KiB", ""});
  j["gen"] = {{"config", c.Name()}, {"seconds", s}, {"bytes", bytes}};
}

void BenchForward(std::vector<Row>& rows, nlohmann::json& j, const pruner::ModelInputs& inputs) {
  const auto encode_start = std::chrono::steady_clock::now();
  const auto all_blocks = inputs.EncodeSlice("0:4299", "bench slice");
  const double encode_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - encode_start).count();
  rows.push_back({fmt::format("tokenize all {} text blocks", all_blocks.size()), encode_seconds, "s", "< 1"});
  j["tokenize"] = {{"blocks", all_blocks.size()}, {"seconds", encode_seconds}};
  const auto seqs = inputs.EncodeSlice("3300:4299", "bench slice");
  pruner::PerplexityOptions o;
  o.progress = false;
  const pruner::PerplexityResult r = pruner::EvaluatePerplexity(inputs.model, seqs, o);
  rows.push_back({fmt::format("fp32 forward, blocks 3300:4299, {} threads", r.threads),
                  r.tokens_per_second() / 1e3, "k tokens/s", ""});
  j["forward"] = {{"tokens", r.tokens}, {"seconds", r.seconds}, {"threads", r.threads},
                  {"tokens_per_second", r.tokens_per_second()}, {"mean_nll", r.mean_nll()}};
}

// RWKV v5.2 (rwkv.cpp's tiny model) against a same-size Llama with random
// weights, on the same bytes (blocks 3300:3499), one thread, best of 3.
void BenchRecurrent(std::vector<Row>& rows, nlohmann::json& j, const pruner::ModelPaths& paths,
                    const std::string& data_dir) {
  const std::string rwkv_path = (fs::path(data_dir) / "rwkv" / "tiny-rwkv-5v2-730K-FP32.bin").string();
  const pruner::RwkvModel rwkv = pruner::LoadRwkvModel(rwkv_path);
  const auto blocks = pruner::ReadTextBlocks(paths.text);
  const auto seqs = pruner::BlocksAsBytes(pruner::SelectBlocks(blocks, pruner::ParseBlockSlice("3300:3499", static_cast<int>(blocks.size()), "bench slice")));
  size_t longest = 1;
  for (const auto& q : seqs) longest = std::max(longest, q.size());
  const pruner::LlamaModel llama = pruner::SameSizeLlama(rwkv, static_cast<int>(longest));
  const pruner::SpeedComparison c = pruner::CompareForwardSpeed(rwkv, llama, seqs, 3);
  const double ratio = c.llama_tokens_per_cpu_second() / c.rwkv_tokens_per_cpu_second();
  rows.push_back({fmt::format("RWKV v5.2 forward ({} params), bytes of blocks 3300:3499, 1 thread",
                              pruner::ParameterCount(rwkv)),
                  c.rwkv_tokens_per_cpu_second() / 1e3, "k tokens/s", ""});
  rows.push_back({fmt::format("same-size Llama forward ({} params, hidden {}), same bytes", pruner::ParameterCount(llama),
                              llama.config.hidden_dim),
                  c.llama_tokens_per_cpu_second() / 1e3, "k tokens/s", ""});
  rows.push_back({"RWKV / Llama forward time per token (CPU time)", ratio, "x", "<= 2"});
  j["recurrent"] = {{"rwkv_model", rwkv_path},
                    {"rwkv_parameters", pruner::ParameterCount(rwkv)},
                    {"llama_parameters", pruner::ParameterCount(llama)},
                    {"llama_hidden_dim", llama.config.hidden_dim},
                    {"tokens", c.tokens},
                    {"runs", c.runs},
                    {"rwkv_cpu_seconds", c.rwkv_cpu_seconds},
                    {"llama_cpu_seconds", c.llama_cpu_seconds},
                    {"rwkv_wall_seconds", c.rwkv_wall_seconds},
                    {"llama_wall_seconds", c.llama_wall_seconds},
                    {"rwkv_tokens_per_cpu_second", c.rwkv_tokens_per_cpu_second()},
                    {"llama_tokens_per_cpu_second", c.llama_tokens_per_cpu_second()},
                    {"rwkv_time_over_llama_time", 1.0 / ratio}};
}

// CPU seconds (user + system, every thread) of this process so far.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// "VmHWM" (peak RSS) of this process in bytes; 0 when /proc says nothing.
int64_t PeakRssBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

void BenchStories15M(std::vector<Row>& rows, nlohmann::json& j, const std::string& data_dir) {
  // Peak RSS from here on (Linux: writing 5 to clear_refs resets VmHWM).
  const bool hwm_reset = static_cast<bool>(std::ofstream("/proc/self/clear_refs") << "5");
  pruner::ModelPaths paths = pruner::ModelPaths::InDataDir(data_dir);
  paths.model = data_dir + "/stories15M.bin";
  paths.tokenizer = data_dir + "/tokenizer.bin";
  const pruner::ModelInputs inputs = pruner::ModelInputs::Load(paths);
  const pruner::LlamaModel& m = inputs.model;
  double fp32_bytes = 0.0;  // the weights as the process holds them (fp32)
  for (const pruner::ConstTensorRef& t : pruner::TensorsInFileOrder(m)) fp32_bytes += 4.0 * t.size;

  // The GEMM kernel alone on the classifier's shape (64 tokens x 288 -> 32000).
  pruner::Matrix x(64, m.config.dim), y;
  std::mt19937 rng(5);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  for (float& v : x.data) v = dist(rng);
  pruner::LinearForward(x, m.classifier(), y);  // warm
  auto t = Clock::now();
  constexpr int kReps = 5;
  for (int r = 0; r < kReps; ++r) pruner::LinearForward(x, m.classifier(), y);
  const double gemm_gmacs = kReps * 64.0 * m.config.dim * m.classifier().rows / Seconds(t) / 1e9;

  const auto eval = inputs.EncodeSlice("3300:4299", "bench slice");
  pruner::PerplexityOptions o;
  o.progress = false;
  double cpu = CpuSeconds();
  const pruner::PerplexityResult r = pruner::EvaluatePerplexity(m, eval, o);
  const double eval_cpu = CpuSeconds() - cpu;

  const auto calib = inputs.EncodeSlice("0:255", "bench slice");
  int64_t calib_tokens = 0;
  for (const auto& b : calib) calib_tokens += static_cast<int64_t>(b.size());
  pruner::CalibrationOptions co;
  co.progress = false;
  cpu = CpuSeconds();
  t = Clock::now();
  const pruner::CalibrationStats stats = pruner::Calibrate(m, calib, co);
  const double calib_seconds = Seconds(t);
  const double calib_cpu = CpuSeconds() - cpu;
  const int64_t peak = PeakRssBytes();

  const std::string isa(pruner::GemmIsaName(pruner::BestGemmIsa()));
  rows.push_back({fmt::format("stories15M fp32 GEMM ({}), 64 tokens x 288 -> 32000, 1 thread", isa),
                  gemm_gmacs, "G MAC/s", ""});
  rows.push_back({fmt::format("stories15M eval 3300:4299 ({} predictions), {} threads", r.predictions, r.threads),
                  r.tokens_per_second(), "tokens/s", ">= 2500"});
  rows.push_back({"  wall time of that evaluation", r.seconds, "s", "< 25"});
  rows.push_back({"  tokens per CPU-second (all threads; load-independent)", r.tokens / eval_cpu,
                  "tokens/s", ""});
  rows.push_back({fmt::format("stories15M calibration 0:255 ({} tokens), {} threads", calib_tokens,
                              EffectiveThreads(0, static_cast<int>(calib.size()))),
                  calib_tokens / calib_seconds, "tokens/s", ""});
  rows.push_back({"  tokens per CPU-second", calib_tokens / calib_cpu, "tokens/s", ""});
  rows.push_back({fmt::format("  peak RSS / fp32 model ({:.0f} / {:.0f} MiB){}", peak / 1048576.0,
                              fp32_bytes / 1048576.0, hwm_reset ? "" : " (whole bench)"),
                  peak / fp32_bytes, "ratio", "< 4"});
  j["stories15m"] = {{"gemm_isa", isa},
                     {"gemm_gmacs", gemm_gmacs},
                     {"eval_blocks", "3300:4299"},
                     {"eval_tokens", r.tokens},
                     {"eval_predictions", r.predictions},
                     {"eval_mean_nll", r.mean_nll()},
                     {"eval_seconds", r.seconds},
                     {"eval_cpu_seconds", eval_cpu},
                     {"eval_threads", r.threads},
                     {"eval_tokens_per_second", r.tokens_per_second()},
                     {"calib_blocks", "0:255"},
                     {"calib_tokens", calib_tokens},
                     {"calib_seconds", calib_seconds},
                     {"calib_cpu_seconds", calib_cpu},
                     {"calib_tokens_per_second", calib_tokens / calib_seconds},
                     {"calib_samples", stats.num_samples},
                     {"peak_rss_bytes", peak},
                     {"peak_rss_since_section_start", hwm_reset},
                     {"fp32_model_bytes", fp32_bytes},
                     {"peak_over_fp32", peak / fp32_bytes}};
}

void BenchPrune(std::vector<Row>& rows, nlohmann::json& j, const pruner::ModelInputs& inputs) {
  const auto t = Clock::now();
  const auto calib = inputs.EncodeSlice("0:255", "bench slice");
  const auto eval = inputs.EncodeSlice("3300:4299", "bench slice");
  pruner::PruneSettings s;
  s.progress = false;
  const pruner::PruneResult r = pruner::RunPrune(inputs.model, calib, s, 8, 8, "");
  pruner::PerplexityOptions o;
  o.progress = false;
  const pruner::PerplexityResult p = pruner::EvaluatePerplexity(r.pruned, eval, o);
  const double secs = Seconds(t);
  rows.push_back({"FLOW prune 0.5 (calibrate+select+prune+1 eval)", secs, "s", "< 20"});
  j["prune"] = {{"seconds", secs}, {"perplexity", p.perplexity()}};
}

// Issue 17: `flexcim prune`'s path on the model users see: FLOW at 0.5 with
// OBS reconstruction (the CLI's defaults), the dense model pruned in place,
// then one evaluation of the held-out slice; its wall time (< 3 min) and the
// peak RSS of the section over the fp32 model (< 4).
void BenchPruneStories15M(std::vector<Row>& rows, nlohmann::json& j, const std::string& data_dir) {
  const bool hwm_reset = static_cast<bool>(std::ofstream("/proc/self/clear_refs") << "5");
  const auto t = Clock::now();
  pruner::ModelPaths paths = pruner::ModelPaths::InDataDir(data_dir);
  paths.model = data_dir + "/stories15M.bin";
  paths.tokenizer = data_dir + "/tokenizer.bin";
  pruner::ModelInputs inputs = pruner::ModelInputs::Load(paths);
  double fp32_bytes = 0.0;
  for (const auto& tensor : pruner::TensorsInFileOrder(std::as_const(inputs.model))) fp32_bytes += 4.0 * tensor.size;
  const auto calib = inputs.EncodeSlice("0:255", "bench slice");
  const auto eval = inputs.EncodeSlice("3300:4299", "bench slice");
  pruner::PruneSettings s;
  s.reconstruct = pruner::Reconstruction::kObs;
  s.obs.refine_iterations = 10;
  s.progress = false;
  const pruner::PruneResult r = pruner::RunPruneInPlace(std::move(inputs.model), calib, s, 8, 8, "");
  pruner::PerplexityOptions o;
  o.progress = false;
  const pruner::PerplexityResult p = pruner::EvaluatePerplexity(r.pruned, eval, o);
  const double secs = Seconds(t);
  const int64_t peak = PeakRssBytes();
  rows.push_back({"stories15M FLOW 0.5 + OBS prune (calib 0:255) + eval 3300:4299", secs, "s", "< 180"});
  rows.push_back({fmt::format("  peak RSS / fp32 model ({:.0f} / {:.0f} MiB){}", peak / 1048576.0,
                              fp32_bytes / 1048576.0, hwm_reset ? "" : " (whole bench)"),
                  peak / fp32_bytes, "ratio", "< 4"});
  j["prune_stories15m"] = {{"seconds", secs},
                           {"perplexity", p.perplexity()},
                           {"peak_rss_bytes", peak},
                           {"peak_rss_since_section_start", hwm_reset},
                           {"fp32_model_bytes", fp32_bytes},
                           {"peak_over_fp32", peak / fp32_bytes}};
}

void BenchOnMacro(std::vector<Row>& rows, nlohmann::json& j, const pruner::ModelInputs& inputs) {
  pruner::PruneSettings s;
  s.progress = false;
  const pruner::PruneResult r = pruner::RunPrune(inputs.model, inputs.EncodeSlice("0:255", "bench slice"), s, 8, 8, "");
  const auto eval = inputs.EncodeSlice("3300:4299", "bench slice");
  const pruner::MacroLinearExecutor executor(r.container, pruner::GoldenMacroRunner());
  pruner::PerplexityOptions o;
  o.progress = false;
  o.hooks.executor = &executor;
  const pruner::PerplexityResult p = pruner::EvaluatePerplexity(r.pruned, eval, o);
  rows.push_back({fmt::format("on-macro perplexity, blocks 3300:4299, {} tiles, {} threads",
                              executor.tiles(), p.threads),
                  p.seconds, "s", "< 60"});
  j["on_macro"] = {{"seconds", p.seconds}, {"perplexity", p.perplexity()}, {"tiles", executor.tiles()},
                   {"tokens", p.tokens}, {"threads", p.threads}};
}

void BenchHfLoad(std::vector<Row>& rows, nlohmann::json& j, const fs::path& work, bool keep) {
  const pruner::HfLoadBenchmark b = pruner::RunHfLoadBenchmark(work, 9, keep);
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  rows.push_back({fmt::format("load {:.3f} GiB BF16 HF checkpoint ({} M params)", b.file_bytes / kGiB,
                              b.parameters / 1000000),
                  b.load_seconds, "s", "< 3"});
  rows.push_back({"  CPU time of that load (user + kernel, all threads)",
                  b.load_user_seconds + b.load_system_seconds, "s", ""});
  rows.push_back({fmt::format("  peak RSS / fp32 weights ({:.3f} / {:.3f} GiB)", b.peak_rss_bytes / kGiB,
                              b.fp32_bytes / kGiB),
                  b.peak_over_fp32(), "ratio", "<= 1.10"});
  j["hf_load"] = {{"parameters", b.parameters},         {"file_bytes", b.file_bytes},
                  {"fp32_bytes", b.fp32_bytes},         {"write_seconds", b.write_seconds},
                  {"load_seconds", b.load_seconds},     {"rss_before_bytes", b.rss_before_bytes},
                  {"load_user_seconds", b.load_user_seconds},
                  {"load_system_seconds", b.load_system_seconds},
                  {"peak_rss_bytes", b.peak_rss_bytes}, {"peak_over_fp32", b.peak_over_fp32()}};
}

void BenchSynth(std::vector<Row>& rows, nlohmann::json& j, const fs::path& work,
                const std::string& data_dir) {
  const auto t = Clock::now();
  RunLogged({fs::read_symlink("/proc/self/exe").string(), "synth", "--out", (work / "synth_report").string(),
             "--work", (work / "synth_work").string(), "--data-dir", data_dir},
            work / "synth.log", "flexcim synth");
  const double secs = Seconds(t);
  rows.push_back({"synth + timing + power, default macro", secs, "s", "< 120"});
  j["synth"] = {{"seconds", secs}, {"report", (work / "synth_report").string()}};
}

int RunBench(const std::vector<std::string>& args) {
  BenchOptions o;
  po::options_description d = ModelPathOptions(o.paths);
  po::options_description own("bench");
  own.add_options()
      ("only", po::value(&o.only)->default_value(o.only),
       fmt::format("comma list of {}", fmt::join(kBenchParts, ", ")).c_str())
      ("vectors", po::value(&o.vectors)->default_value(o.vectors), "vectors for golden/Verilator")
      ("hf-keep", po::bool_switch(&o.hf_keep),
       "keep hf-load's 1 GiB checkpoint in <out>/hf-load-checkpoint (to time a prune on it)")
      ("out", po::value(&o.out)->default_value(o.out), "work directory; bench.json is written here");
  d.add(own);
  if (!ParseFlags(args, d, "bench", "[--only LIST] [--out DIR]")) return 0;
  if (o.vectors < 100) throw UsageError(fmt::format("--vectors {}: must be >= 100", o.vectors));
  std::vector<std::string> parts;
  for (size_t s = 0; s <= o.only.size();) {
    size_t c = o.only.find(',', s);
    if (c == std::string::npos) c = o.only.size();
    parts.push_back(o.only.substr(s, c - s));
    s = c + 1;
  }
  for (const auto& p : parts) {
    if (std::find(kBenchParts.begin(), kBenchParts.end(), p) == kBenchParts.end()) {
      throw UsageError(fmt::format("--only {}: '{}' must be one of {}", o.only, p, fmt::join(kBenchParts, ", ")));
    }
  }
  auto want = [&](const char* n) { return std::find(parts.begin(), parts.end(), n) != parts.end(); };
  const fs::path work = fs::absolute(o.out);
  ClaimOutputDirectory({"--out", o.out}, "bench");
  std::vector<Row> rows;
  nlohmann::json j;
  auto step = [](const char* what) { std::cerr << "bench: " << what << "\n"; };
  if (want("golden")) { step("golden model"); BenchGolden(rows, j, o.vectors); }
  if (want("gen")) { step("generator"); BenchGenerator(rows, j, work); }
  if (want("verilator")) { step("Verilator co-simulation"); BenchVerilator(rows, j, work / "verilator", o.vectors); }
  if (want("forward") || want("prune") || want("on-macro")) {
    const pruner::ModelInputs inputs = pruner::ModelInputs::Load(o.paths.Resolve());
    if (want("forward")) { step("forward pass"); BenchForward(rows, j, inputs); }
    if (want("prune")) {
      step("FLOW prune");
      BenchPrune(rows, j, inputs);
      step("stories15M FLOW + OBS prune");
      BenchPruneStories15M(rows, j, o.paths.data_dir);
    }
    if (want("on-macro")) { step("perplexity on the golden macro"); BenchOnMacro(rows, j, inputs); }
  }
  if (want("recurrent")) {
    step("recurrent forward (RWKV v5.2 vs same-size Llama)");
    BenchRecurrent(rows, j, o.paths.Resolve(), o.paths.data_dir);
  }
  if (want("stories15m")) { step("stories15M evaluation and calibration"); BenchStories15M(rows, j, o.paths.data_dir); }
  if (want("hf-load")) { step("Hugging Face checkpoint load (writes 1 GiB)"); BenchHfLoad(rows, j, work, o.hf_keep); }
  if (want("synth")) { step("synthesis"); BenchSynth(rows, j, work, o.paths.data_dir); }

  std::cout << fmt::format("{:<62} {:>10} {:<12} {}\n", "benchmark", "value", "unit", "target");
  for (const Row& r : rows) {
    std::cout << fmt::format("{:<62} {:>10.3f} {:<12} {}\n", r.what, r.value, r.unit, r.target);
  }
  j["machine_threads"] = std::thread::hardware_concurrency();
  WriteFileAtomically(work / "bench.json", j.dump(2) + "\n");
  std::cout << fmt::format("wrote {}\n", (work / "bench.json").string());
  return 0;
}

const CommandRegistrar kBench({"bench", "speed figures (golden, Verilator, generator, forward, stories15m, prune, on-macro, synth, hf-load, recurrent)", RunBench});

}  // namespace
}  // namespace flexcim::cli
