// Issue 16: the surfaces added after issue 7 (Slurm executor, perf, energy,
// report, Hugging Face checkpoints, verify, synth --activity-vcd) are safe
// by construction: one test per failure class, through the binary as users
// run it, exact message and exit code. Policy: docs/ROBUSTNESS.md.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/tests/cli_run.h"
#include "core/arch_traits.h"
#include "core/subprocess.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/model_writer.h"
#include "flow_pruner/pruned_container.h"
#include "synth/sweep_manifest.h"
#include "verif/testbench_build.h"

namespace flexcim {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::Flexcim;
using testing::Scratch;
using testing::Slurp;
using testing::WriteBytes;

void WriteExecutable(const fs::path& p, const std::string& script) {
  WriteBytes(p, script);
  fs::permissions(p, fs::perms::owner_all);
}

// A sweep run directory with one point and `jobs` as slurm/jobs.json.
fs::path SweepRunWithJobs(const Scratch& s, const std::string& jobs) {
  const fs::path run = s.path() / "run";
  synth::SweepManifest m;
  m.points.push_back({"flexcim", MacroConfig::Create({.subs = 1, .rows = 2, .cols = 2, .sel_group = 1, .a_bits = 4, .w_bits = 4})});
  m.data_dir = s.path();
  m.liberty = s.path() / "none.lib";
  m.out_dir = s.path() / "merged";
  synth::WriteSweepManifest(m, run);
  fs::create_directories(run / "slurm");
  WriteBytes(run / "slurm" / "jobs.json", jobs);
  return run;
}

// Fake sbatch and squeue that record their arguments, one per line.
fs::path FakeSlurm(const Scratch& s, const std::string& squeue_output) {
  const fs::path bin = s.path() / "bin";
  fs::create_directories(bin);
  WriteExecutable(bin / "sbatch", "#!/bin/sh\nexit 1\n");
  WriteExecutable(bin / "squeue", fmt::format("#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done >>'{}'\nprintf '{}'\n",
                                              (s.path() / "squeue.args").string(), squeue_output));
  return bin;
}

// A llama2.c model: dim 8, `layers` blocks, vocabulary 16, every weight `w`
// (the token embedding `embedding`, when given).
void WriteTinyModel(const fs::path& path, int layers, float w, std::optional<float> embedding = std::nullopt) {
  pruner::LlamaConfig c;
  c.dim = 8;
  c.hidden_dim = 16;
  c.n_layers = layers;
  c.n_heads = 2;
  c.n_kv_heads = 2;
  c.vocab_size = 16;
  c.shared_classifier = true;
  c.seq_len = 32;
  pruner::LlamaModel m = pruner::AllocateLlamaModel(c);
  for (const pruner::TensorRef& t : pruner::TensorsInFileOrder(m)) {
    std::fill(t.data, t.data + t.size, t.name == "token_embedding" && embedding ? *embedding : w);
  }
  pruner::WriteLlamaModel(m, path.string());
}

// ------------------------------------------------------- command execution

TEST(RobustSurfaces, HostileSlurmJobIdIsNeverRun) {
  Scratch s;
  const fs::path touched = s.path() / "TOUCHED";
  const fs::path run = SweepRunWithJobs(
      s, fmt::format(R"([{{"job_id": "4242; touch {}", "tasks": [0]}}])", touched.string()));
  const fs::path bin = FakeSlurm(s, "");
  const std::string env = fmt::format("PATH={}:$PATH ", bin.string());
  const CliRun collect = Flexcim(fmt::format("sweep --collect {} --out {}", run.string(), (s.path() / "out").string()));
  // Through the shell of the test only to put the fake tools first on PATH.
  const int status = std::system(fmt::format("{}{} sweep --collect {} 2>{} >/dev/null", env, FLEXCIM_BIN,
                                             run.string(), (s.path() / "err").string())
                                     .c_str());
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_EQ(Slurp(s.path() / "err"),
            fmt::format("flexcim sweep: error: {}: submission 0: job_id '4242; touch {}' is not a Slurm job id "
                        "(digits, optionally _<array index>); refusing to pass it to squeue\n",
                        (run / "slurm" / "jobs.json").string(), touched.string()));
  EXPECT_EQ(collect.code, 1);
  EXPECT_EQ(collect.err, Slurp(s.path() / "err"));
  EXPECT_FALSE(fs::exists(touched));
  EXPECT_FALSE(fs::exists(s.path() / "squeue.args")) << "squeue ran";

  // A valid id reaches squeue as one argument, no shell in between.
  WriteBytes(run / "slurm" / "jobs.json", R"([{"job_id": "4242", "tasks": [0]}])");
  const int ok = std::system(fmt::format("{}{} sweep --collect {} --poll-seconds 1 2>{} >/dev/null", env, FLEXCIM_BIN,
                                         run.string(), (s.path() / "err").string())
                                 .c_str());
  EXPECT_EQ(WEXITSTATUS(ok), 1);  // the point has no result: a failed row
  EXPECT_EQ(Slurp(s.path() / "squeue.args"), "-h\n-r\n-t\nall\n-j\n4242\n-o\n%i|%T\n");
  // Not even a task index that is not a number passes.
  WriteBytes(run / "slurm" / "jobs.json", R"([{"job_id": "4242", "tasks": [1.5]}])");
  const CliRun frac = Flexcim(fmt::format("sweep --collect {}", run.string()));
  EXPECT_EQ(frac.code, 1);
  EXPECT_EQ(frac.err, fmt::format("flexcim sweep: error: {}: submission 0: tasks[0] is 1.5; must be an integer in [0, "
                                  "4000000]\n",
                                  (run / "slurm" / "jobs.json").string()));
}

// ------------------------------------------------------- inputs

TEST(RobustSurfaces, EveryReaderRefusesAFifoWithoutBlocking) {
  Scratch s;
  const fs::path fifo = s.path() / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string f = fifo.string();
  const std::string not_regular = fmt::format("{}: not a regular file (a FIFO)\n", f);
  // A regression would hang: Flexcim() kills it after 300 s.
  struct Case {
    std::string args, err;
  };
  fs::create_directories(s.path() / "synth");
  ASSERT_EQ(mkfifo((s.path() / "synth" / "report.json").c_str(), 0600), 0);
  fs::create_directories(s.path() / "emptyrun");
  fs::create_directories(s.path() / "run");
  ASSERT_EQ(mkfifo((s.path() / "run" / "sweep_manifest.json").c_str(), 0600), 0);
  const std::vector<Case> cases = {
      {fmt::format("perf --shape {} --nm 2:4", f), "flexcim perf: error: " + not_regular},
      {fmt::format("perf --shape llama2-7b --patterns {}", f), "flexcim perf: error: " + not_regular},
      {fmt::format("perf --shape llama2-7b --nm 2:4 --energy {}", f), "flexcim perf: error: " + not_regular},
      {fmt::format("energy --synth {} --out {}", (s.path() / "synth").string(), (s.path() / "e.json").string()),
       fmt::format("flexcim energy: error: {}: not a regular file (a FIFO)\n", (s.path() / "synth" / "report.json").string())},
      {fmt::format("synth --activity-vcd {} --out {}", f, (s.path() / "o").string()),
       "flexcim synth: error: " + not_regular},
      {fmt::format("sweep --collect {}", (s.path() / "run").string()),
       fmt::format("flexcim sweep: error: {}: not a regular file (a FIFO)\n",
                   (s.path() / "run" / "sweep_manifest.json").string())},
  };
  for (const Case& c : cases) {
    const CliRun r = Flexcim(c.args);
    EXPECT_EQ(r.code, 1) << c.args;
    EXPECT_EQ(r.err, c.err) << c.args;
  }
  // report shows an unreadable profile as a missing section (exit 0), at once.
  const CliRun report = Flexcim(fmt::format("report --run {} --profile {}", (s.path() / "emptyrun").string(), f));
  EXPECT_EQ(report.code, 0) << report.err;
  EXPECT_NE(report.out.find(fmt::format("Llama-2-7B shapes: missing ({}: not a regular file (a FIFO)).", f)),
            std::string::npos);
  // A SentencePiece tokenizer.model goes through the same opener.
  fs::create_directories(s.path() / "sp");
  const fs::path sp = s.path() / "sp" / "tokenizer.model";
  ASSERT_EQ(mkfifo(sp.c_str(), 0600), 0);
  const CliRun r = Flexcim(fmt::format("eval --tokenizer {} --blocks 0:1", sp.string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim eval: error: {}: not a regular file (a FIFO)\n", sp.string()));
  EXPECT_FALSE(fs::exists(s.path() / "o"));
  EXPECT_FALSE(fs::exists(s.path() / "e.json"));
}

// ------------------------------------------------------- outputs

TEST(RobustSurfaces, OutputThatIsAnInputIsRefusedBeforeTheWork) {
  Scratch s;
  const fs::path shape = s.path() / "shape.json", patterns = s.path() / "layers.txt", energy = s.path() / "e.json";
  WriteBytes(shape, R"({"blocks": 2, "dim": 8, "hidden": 16, "heads": 2, "kv_heads": 1})");
  WriteBytes(patterns, "Layer 0: 2:4\r\nLayer 1: 1:2\r\n");  // CRLF is read as text
  WriteBytes(energy, R"({"archs": {}})");
  pruner::WriteContainer(testing::SmallContainer(), s.path() / "pruned.flexcim");
  fs::create_directories(s.path() / "adir");
  const auto before = std::vector<std::string>{Slurp(shape), Slurp(patterns), Slurp(energy),
                                               Slurp(s.path() / "pruned.flexcim")};
  struct Case {
    std::string args, err;
  };
  const std::string sh = shape.string(), pa = patterns.string(), en = energy.string(),
                    pr = (s.path() / "pruned.flexcim").string();
  const std::vector<Case> cases = {
      {fmt::format("perf --shape {0} --nm 2:4 --json {0}", sh),
       fmt::format("flexcim perf: error: --json {0}: is the input --shape {0}; choose another output\n", sh)},
      {fmt::format("perf --shape {} --patterns {} --json {}", sh, pa, pa),
       fmt::format("flexcim perf: error: --json {0}: is the input --patterns {0}; choose another output\n", pa)},
      {fmt::format("perf --shape llama2-7b --nm 2:4 --energy {0} --json {0}", en),
       fmt::format("flexcim perf: error: --json {0}: is the input --energy {0}; choose another output\n", en)},
      {fmt::format("perf --pruned {} --json {}", s.path().string(), pr),
       fmt::format("flexcim perf: error: --json {0}: is the input --pruned {0}; choose another output\n", pr)},
      {fmt::format("perf --shape {} --nm 2:4 --json {}", sh, (s.path() / "adir").string()),
       fmt::format("flexcim perf: error: --json {}: is a directory\n", (s.path() / "adir").string())},
  };
  for (const Case& c : cases) {
    const CliRun r = Flexcim(c.args);
    EXPECT_EQ(r.code, 2) << c.args;
    EXPECT_EQ(r.err, c.err) << c.args;
  }
  EXPECT_EQ(before, (std::vector<std::string>{Slurp(shape), Slurp(patterns), Slurp(energy),
                                              Slurp(s.path() / "pruned.flexcim")}));
  // The CRLF patterns file itself is fine.
  const CliRun crlf = Flexcim(fmt::format("perf --shape {} --patterns {} --arch dense", sh, pa));
  EXPECT_EQ(crlf.code, 0) << crlf.err;

  // energy --out = the synth report it reads.
  fs::create_directories(s.path() / "synth");
  const fs::path report = s.path() / "synth" / "report.json";
  WriteBytes(report, R"({"results": []})");
  CliRun r = Flexcim(fmt::format("energy --synth {} --out {}", (s.path() / "synth").string(), report.string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim energy: error: {}: no results\n", report.string()));
  WriteBytes(report, R"({"results": [{"arch": "flexcim", "work_dir": "x"}]})");
  r = Flexcim(fmt::format("energy --synth {} --out {}", (s.path() / "synth").string(), report.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, fmt::format("flexcim energy: error: --synth {}: no rtl/manifest.json (is it the --out directory "
                               "of flexcim synth?)\n",
                               (s.path() / "synth").string()));
}

TEST(RobustSurfaces, EnergyOutCannotBeTheReportOrNetlistItReads) {
  Scratch s;
  // A real manifest (of `flexcim gen`), a netlist beside it.
  const fs::path design = s.path() / "synth" / "work" / "flexcim_x";
  CliRun g = Flexcim(fmt::format("gen --subs 1 --rows 2 --cols 2 --a-bits 4 --w-bits 4 --out {}",
                                 (design / "rtl").string()));
  ASSERT_EQ(g.code, 0) << g.err;
  fs::create_directories(design / "synth");
  WriteBytes(design / "synth" / "sta_netlist.v", "module m; endmodule\n");
  const fs::path report = s.path() / "synth" / "report.json";
  WriteBytes(report, nlohmann::json{{"results",
                                     {{{"arch", "flexcim"},
                                       {"work_dir", (design / "synth").string()},
                                       {"area", {{"total_um2", 100.0}}},
                                       {"timing", {{"min_period_ns", 5.0}}}}}}}
                         .dump());
  const std::string netlist = (design / "synth" / "sta_netlist.v").string();
  for (const std::string& out : {report.string(), netlist, (design / "rtl" / "manifest.json").string()}) {
    const std::string before = Slurp(out);
    const CliRun r = Flexcim(fmt::format("energy --synth {} --out {}", (s.path() / "synth").string(), out));
    EXPECT_EQ(r.code, 2) << out;
    EXPECT_EQ(r.err, fmt::format("flexcim energy: error: --out {0}: is the input --synth {0}; choose another output\n",
                                 out));
    EXPECT_EQ(Slurp(out), before);
  }
  EXPECT_FALSE(fs::exists(s.path() / "synth" / "energy_work")) << "work started before the check";
}

TEST(RobustSurfaces, WritersRefuseAForeignOrOtherCommandsDirectoryBeforeWork) {
  Scratch s;
  const fs::path mine = s.path() / "mine";
  fs::create_directories(mine);
  WriteBytes(mine / "notes.txt", "the user's own file");
  const std::string m = mine.string();
  struct Case {
    std::string args, err;
  };
  const std::vector<Case> cases = {
      {fmt::format("synth --subs 1 --rows 2 --cols 2 --out {}", m),
       fmt::format("flexcim synth: error: --out {}: is not empty and not an earlier output of 'flexcim synth' (no "
                   ".flexcim-output marker); choose another directory or remove it\n",
                   m)},
      {fmt::format("sweep --subs 1 --sel-groups 1 --rows 2 --cols 2 --out {}", m),
       fmt::format("flexcim sweep: error: --out {}: is not empty and not an earlier output of 'flexcim sweep' (no "
                   ".flexcim-output marker); choose another directory or remove it\n",
                   m)},
      {fmt::format("synth --subs 1 --rows 2 --cols 2 --work {} --out {}", m, (s.path() / "new").string()),
       fmt::format("flexcim synth: error: --work {}: is not empty and not an earlier output of 'flexcim synth' (no "
                   ".flexcim-output marker); choose another directory or remove it\n",
                   m)},
      {fmt::format("verify --subs 1 --rows 2 --cols 2 --work {}", m),
       fmt::format("flexcim verify: error: --work {}: is not empty and not an earlier output of 'flexcim verify' (no "
                   ".flexcim-output marker); choose another directory or remove it\n",
                   m)},
      {fmt::format("bench --only golden --out {}", m),
       fmt::format("flexcim bench: error: --out {}: is not empty and not an earlier output of 'flexcim bench' (no "
                   ".flexcim-output marker); choose another directory or remove it\n",
                   m)},
  };
  for (const Case& c : cases) {
    const CliRun r = Flexcim(c.args);
    EXPECT_EQ(r.code, 2) << c.args;
    EXPECT_EQ(r.err, c.err) << c.args;
  }
  // Another command's output is not replaced either.
  const fs::path gen = s.path() / "gen";
  ASSERT_EQ(Flexcim(fmt::format("gen --subs 1 --rows 2 --cols 2 --out {}", gen.string())).code, 0);
  const CliRun r = Flexcim(fmt::format("synth --subs 1 --rows 2 --cols 2 --out {}", gen.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, fmt::format("flexcim synth: error: --out {}: holds the output of 'flexcim gen', not of 'flexcim "
                               "synth'; choose another directory or remove it\n",
                               gen.string()));
  EXPECT_EQ(Slurp(mine / "notes.txt"), "the user's own file");
  EXPECT_EQ(std::distance(fs::directory_iterator(mine), fs::directory_iterator()), 1);
  EXPECT_FALSE(fs::exists(s.path() / "new"));
}

// ------------------------------------------------------- numbers and bounds

TEST(RobustSurfaces, JsonNumbersAndResourceBoundsAreCheckedBeforeAllocation) {
  Scratch s;
  const fs::path shape = s.path() / "shape.json";
  struct Case {
    std::string json, err;
  };
  const std::string f = shape.string();
  const std::vector<Case> cases = {
      {R"({"blocks": 1000000000, "dim": 8, "hidden": 16, "heads": 2, "kv_heads": 1})",
       fmt::format("{}: 'blocks' is 1000000000; must be an integer in [1, 1024]", f)},
      {R"({"blocks": 2.5, "dim": 8, "hidden": 16, "heads": 2, "kv_heads": 1})",
       fmt::format("{}: 'blocks' is 2.5; must be an integer in [1, 1024]", f)},
      {R"({"blocks": 4294967298, "dim": 8, "hidden": 16, "heads": 2, "kv_heads": 1})",
       fmt::format("{}: 'blocks' is 4294967298; must be an integer in [1, 1024]", f)},
      {R"({"blocks": 2, "dim": 8, "hidden": 16, "heads": 2})", fmt::format("{}: missing 'kv_heads'", f)},
      {R"({"blocks": 2, "dim": "8", "hidden": 16, "heads": 2, "kv_heads": 1})",
       fmt::format("{}: 'dim' is \"8\"; must be an integer in [1, 131072]", f)},
      {"[1, 2", fmt::format("{}: not valid JSON: parse error at line 1, column 6: syntax error while parsing array - "
                            "unexpected end of input; expected ']'", f)},
  };
  for (const Case& c : cases) {
    WriteBytes(shape, c.json);
    const CliRun r = Flexcim(fmt::format("perf --shape {} --nm 2:4", f));
    EXPECT_EQ(r.code, 1) << c.json;
    EXPECT_EQ(r.err, "flexcim perf: error: " + c.err + "\n") << c.json;
    EXPECT_EQ(r.err.find("[json.exception"), std::string::npos);
  }
  struct Usage {
    std::string args, err;
  };
  for (const Usage& u : std::vector<Usage>{
           {"verify --vectors 1000000000",
            "flexcim verify: error: --vectors 1000000000: must be at most 10000000 (the stimulus is held in memory)\n"},
           {"perf --shape llama2-7b --nm 2:4 --tokens 9223372036854775000",
            "flexcim perf: error: --tokens 9223372036854775000: must be at most 1099511627776 (2^40)\n"},
           {fmt::format("report --run {} --tokens 9223372036854775000", s.path().string()),
            "flexcim report: error: --tokens 9223372036854775000: must be at most 1099511627776 (2^40)\n"},
           {"perf --shape llama2-7b --nm 2:4 --macros 2000000000",
            "flexcim perf: error: --macros 2000000000: must be at most 1048576\n"},
           {"sweep --input-activity -3 --out x",
            "flexcim sweep: error: --input-activity -3: must be a toggle rate in [0, 1]\n"},
       }) {
    const CliRun r = Flexcim(u.args);
    EXPECT_EQ(r.code, 2) << u.args;
    EXPECT_EQ(r.err, u.err) << u.args;
  }
  // The largest allowed --tokens on the largest shape still gives exact,
  // unwrapped cycle counts.
  const CliRun big = Flexcim(fmt::format("perf --shape llama2-7b --nm 2:4 --arch dense --tokens 1099511627776 --json {}",
                                         (s.path() / "big.json").string()));
  ASSERT_EQ(big.code, 0) << big.err;
  const nlohmann::json j = nlohmann::json::parse(Slurp(s.path() / "big.json"));
  EXPECT_GT(j["dense"]["prefill_cycles"].get<int64_t>(), int64_t{1} << 40);
}

TEST(RobustSurfaces, LibraryTextNeverReachesTheUser) {
  Scratch s;
  fs::create_directories(s.path() / "synth");
  const fs::path report = s.path() / "synth" / "report.json";
  WriteBytes(report, R"({"results": [{"arch": 5}]})");
  CliRun r = Flexcim(fmt::format("energy --synth {} --out {}", (s.path() / "synth").string(),
                                 (s.path() / "e.json").string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim energy: error: {}: results[0]: 'arch' is 5; must be a string\n", report.string()));
  // An energy file whose area is 0 (it divides the equal-area comparison).
  const fs::path energy = s.path() / "e0.json";
  WriteBytes(energy, R"({"archs": {"flexcim": {"config": "p4_r16_c16_g16_a8_w8", "area_um2": 0, "fmax_mhz": 1,
                         "energy_pj": {"vector": 1, "row_write": 1, "idle_cycle": 1}}}})");
  r = Flexcim(fmt::format("perf --shape llama2-7b --nm 2:4 --energy {}", energy.string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim perf: error: {}: flexcim: \"area_um2\" is 0, must be > 0 and at most 1e15\n",
                               energy.string()));
}

// ------------------------------------------------------- processes

TEST(RobustSurfaces, StdoutWriteErrorsAreFailures) {
  Scratch s;
  const int status = std::system(fmt::format("{} perf --shape llama2-7b --nm 2:4 >/dev/full 2>{}", FLEXCIM_BIN,
                                             (s.path() / "err").string())
                                     .c_str());
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_EQ(Slurp(s.path() / "err"), "flexcim perf: error: stdout: write failed: No space left on device\n");
}

TEST(RobustSurfaces, SigtermReachesTheChildProcessGroup) {
  // sweep --collect waits on squeue; a fake squeue that sleeps stands for
  // any long child (the testbench, yosys, sta). SIGTERM to flexcim must end
  // the child and its own children, and flexcim dies of the signal.
  Scratch s;
  const fs::path run = SweepRunWithJobs(s, R"([{"job_id": "77", "tasks": [0]}])");
  const fs::path bin = s.path() / "bin";
  fs::create_directories(bin);
  WriteExecutable(bin / "sbatch", "#!/bin/sh\nexit 1\n");
  const fs::path pids = s.path() / "pids";
  WriteExecutable(bin / "squeue", fmt::format("#!/bin/sh\necho $$ >'{0}'\nsleep 60 &\necho $! >>'{0}'\nwait\n",
                                              pids.string()));
  const pid_t child = fork();
  if (child == 0) {
    const std::string path = fmt::format("PATH={}:/usr/bin:/bin", bin.string());
    char* env[] = {const_cast<char*>(path.c_str()), nullptr};
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execle(FLEXCIM_BIN, FLEXCIM_BIN, "sweep", "--collect", run.c_str(), static_cast<char*>(nullptr), env);
    ::_exit(127);
  }
  ASSERT_GT(child, 0);
  std::vector<pid_t> spawned;
  for (int i = 0; i < 200 && spawned.size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    spawned.clear();
    std::ifstream in(pids);
    for (pid_t p; in >> p;) spawned.push_back(p);
  }
  ASSERT_EQ(spawned.size(), 2u) << "the fake squeue did not start";
  ASSERT_EQ(::kill(child, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << status;
  for (pid_t p : spawned) {
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
      gone = ::kill(p, 0) != 0;
      std::ifstream stat(fmt::format("/proc/{}/stat", p));
      std::string pid_s, comm, state;
      stat >> pid_s >> comm >> state;
      gone = gone || state == "Z";
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(gone) << "process " << p << " still runs";
  }
}

TEST(RobustSurfaces, TestbenchThatExitsZeroWithoutItsSummaryIsAFailure) {
  // What flexcim verify requires of the testbench's output before exit 0 counts.
  const std::string design = "p1_r2_c2_g1_a4_w4";
  EXPECT_TRUE(verif::HasTestbenchSummary(
      "verified 12 vectors, 0 mismatches, latency 3 cycles\np1_r2_c2_g1_a4_w4: 40 cycles, 1 resets, 0 vectors "
      "dropped by reset, 100 vectors/s, 300 cycles/s\n",
      design));
  // A design calling $finish: Verilator prints its line and the process exits 0.
  EXPECT_FALSE(verif::HasTestbenchSummary("- tb.v:12: Verilog $finish\n", design));
  EXPECT_FALSE(verif::HasTestbenchSummary("", design));
  EXPECT_FALSE(verif::HasTestbenchSummary("p1_r2_c2_g1_a4_w4: 40 cycles\n", design));  // no "verified"
  EXPECT_FALSE(verif::HasTestbenchSummary("verified 1 vectors\nother_design: 4 cycles\n", design));
  EXPECT_FALSE(verif::HasTestbenchSummary("verified 0 vectors, 0 mismatches\np1_r2_c2_g1_a4_w4: 4 cycles\n", design));
  // This Verilator prints the line and carries on; verify refuses the run.
  EXPECT_EQ(verif::VerilogFinishLine("a\n- /tmp/rtl/flexcim_top.v:48: Verilog $finish\nverified 3 vectors\n"),
            "- /tmp/rtl/flexcim_top.v:48: Verilog $finish");
  EXPECT_EQ(verif::VerilogFinishLine("verified 3 vectors\n"), "");
}

// ------------------------------------------------------- consistency

TEST(RobustSurfaces, DuplicateLayersInAContainerAreRefused) {
  Scratch s;
  pruner::PrunedContainer c = testing::SmallContainer();
  c.layers.push_back(c.layers.front());
  const fs::path file = s.path() / "dup.flexcim";
  pruner::WriteContainer(c, file);
  const CliRun r = Flexcim(fmt::format("perf --pruned {}", file.string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim perf: error: {}: layer 0.wq appears twice (layer #1 repeats it)\n",
                               file.string()));
}

TEST(RobustSurfaces, HfLayerCountMustMatchTheTensorsPresent) {
  Scratch s;
  WriteTinyModel(s.path() / "m.bin", 2, 0.01f);
  const fs::path hf = s.path() / "hf";
  ASSERT_EQ(Flexcim(fmt::format("convert --model {} --out {}", (s.path() / "m.bin").string(), hf.string())).code, 0);
  nlohmann::json config = nlohmann::json::parse(Slurp(hf / "config.json"));
  config["num_hidden_layers"] = 1;  // the file has 2: one would be dropped
  WriteBytes(hf / "config.json", config.dump());
  WriteBytes(s.path() / "ids.txt", "1 2 3 4 5\n");
  const CliRun r = Flexcim(fmt::format("eval --model {} --token-ids {} --blocks 0:0 -q", hf.string(),
                                       (s.path() / "ids.txt").string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim eval: error: {}: num_hidden_layers is 1, but {} holds tensors of 2 layers\n",
                               (hf / "config.json").string(), (hf / "model.safetensors").string()));
  // eval --json may be none of the checkpoint's files.
  const std::string before = Slurp(hf / "model.safetensors");
  config["num_hidden_layers"] = 2;
  WriteBytes(hf / "config.json", config.dump());
  const CliRun j = Flexcim(fmt::format("eval --model {} --token-ids {} --blocks 0:0 -q --json {}", hf.string(),
                                       (s.path() / "ids.txt").string(), (hf / "model.safetensors").string()));
  EXPECT_EQ(j.code, 2);
  EXPECT_EQ(j.err, fmt::format("flexcim eval: error: --json {0}: is the input --model {0}; choose another output\n",
                               (hf / "model.safetensors").string()));
  EXPECT_EQ(Slurp(hf / "model.safetensors"), before);
}

// A run with its prune but no prune report (the demo since `codesign`
// replaced `prune --report`): the report's point is the run's pruned
// checkpoint, with that checkpoint's shape (2 blocks of dim 8 here), not the
// stories260K fallback of old runs (5 blocks: "2 patterns for 5 blocks").
TEST(RobustSurfaces, ReportWithoutPruneReportTakesThePrunedCheckpointsShape) {
  Scratch s;
  const fs::path run = s.path() / "run", out = s.path() / "report";
  fs::create_directories(run / "prune");
  WriteTinyModel(run / "prune" / "pruned.bin", 2, 0.01f);
  WriteBytes(run / "prune" / "prune.json",
             R"({"macro": "p4_r16_c16_g16_a8_w8", "method": "flow", "target_sparsity": 0.5, "masks": "legal G=16",
                 "achieved_block_sparsity": 0.5, "achieved_weight_sparsity": 0.5, "exact": true,
                 "blocks": [{"block": 0, "outlier_ratio_percent": 1.0, "locality": 0.5, "pattern": "2:4"},
                            {"block": 1, "outlier_ratio_percent": 1.0, "locality": 0.5, "pattern": "1:2"}]})");
  const CliRun r = Flexcim(fmt::format("report --run {} --out {} --summary --macros 1", run.string(), out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string model = fmt::format("pruned model ({})", (run / "prune" / "pruned.bin").string());
  EXPECT_NE(r.out.find(fmt::format("| {} | FLOW 0.5 | 1 | - |", model)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(fmt::format("- {}, FLOW 0.5: 2:4 1:2\n", model)), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(fmt::format("Shipped model: the run's own pruning only, no sweep of methods and targets ({}/"
                                   "prune_report/report.json not found: run `flexcim prune --report --out "
                                   "<run>/prune_report`).\n",
                                   run.string())),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("Shipped model: missing"), std::string::npos) << r.out;
}

TEST(RobustSurfaces, PrunedModelMustBelongToItsContainer) {
  Scratch s;
  const fs::path dir = s.path() / "pruned";
  fs::create_directories(dir);
  // A dense model (every weight 0.01) beside a container whose 2:4 mask
  // drops half of layer 0.wq: pruned.bin is not this prune's model.
  WriteTinyModel(dir / "pruned.bin", 1, 0.01f);
  pruner::PrunedContainer c = testing::SmallContainer();
  pruner::PrunedLayer& l = c.layers.front();
  l.rows = 8;
  l.cols = 8;
  l.mask.assign(64, 0);
  l.weights.assign(64, 0);
  for (int o = 0; o < 8; ++o) {
    for (int i = 0; i < 8; i += 4) {
      l.mask[o * 8 + i] = l.mask[o * 8 + i + 1] = 1;
      l.weights[o * 8 + i] = l.weights[o * 8 + i + 1] = 1;
    }
  }
  l.scales.assign(8, 0.01f);
  pruner::WriteContainer(c, dir / "pruned.flexcim");
  WriteBytes(s.path() / "ids.txt", "1 2 3 4 5\n");
  const CliRun r = Flexcim(fmt::format("eval --pruned {} --token-ids {} --blocks 0:0 -q", dir.string(),
                                       (s.path() / "ids.txt").string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim eval: error: {} does not belong to {}: layer 0.wq keeps weight (0, 2), which "
                               "the container's mask drops (a model of another prune run?)\n",
                               (dir / "pruned.bin").string(), (dir / "pruned.flexcim").string()));
}

TEST(RobustSurfaces, NonFinitePerplexityIsAnError) {
  Scratch s;
  // Finite weights whose products overflow: inf scores, NaN after softmax.
  WriteTinyModel(s.path() / "m.bin", 1, 3e38f, 1.0f);
  WriteBytes(s.path() / "ids.txt", "1 2 3 4 5\n");
  const fs::path json = s.path() / "eval.json";
  const CliRun r = Flexcim(fmt::format("eval --model {} --token-ids {} --blocks 0:0 -q --json {}",
                                       (s.path() / "m.bin").string(), (s.path() / "ids.txt").string(), json.string()));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(r.err.rfind(fmt::format("flexcim eval: error: {}: perplexity is ", (s.path() / "m.bin").string()), 0), 0u)
      << r.err;
  EXPECT_NE(r.err.find("the model's outputs are not finite numbers, no result is written\n"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(json));
}

TEST(RobustSurfaces, ActivityVcdOfAnotherDesignIsRefused) {
  // A VCD holding every port of flexcim p1_r2_c2_g2_a4_w4, three clock edges.
  Scratch s;
  const MacroConfig traced = MacroConfig::Create({.subs = 1, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4});
  std::string vcd = "$scope module TOP $end\n$scope module flexcim_top $end\n";
  int id = 0;
  std::vector<std::pair<std::string, int>> codes;
  for (const PortSpec& p : TopPorts(Arch::kFlexcim, traced)) {
    const std::string code = fmt::format("s{}", id++);
    vcd += p.width == 1 ? fmt::format("$var wire 1 {} {} $end\n", code, p.name)
                        : fmt::format("$var wire {} {} {} [{}:0] $end\n", p.width, code, p.name, p.width - 1);
    codes.push_back({code, p.width});
  }
  vcd += "$upscope $end\n$upscope $end\n$enddefinitions $end\n";
  for (int t = 0; t < 4; ++t) {
    vcd += fmt::format("#{}\n", t * 5);
    for (size_t i = 0; i < codes.size(); ++i) {
      const auto& [code, width] = codes[i];
      const char bit = (t % 2) ? '1' : '0';
      vcd += width == 1 ? fmt::format("{}{}\n", bit, code) : fmt::format("b{} {}\n", std::string(width, bit), code);
    }
  }
  const fs::path file = s.path() / "other.vcd";
  WriteBytes(file, vcd);
  // synth of p2 (twice the lanes) with p1's waveform: refused before Yosys.
  const CliRun r = Flexcim(fmt::format("synth --activity-vcd {} --subs 2 --rows 2 --cols 2 --a-bits 4 --w-bits 4 "
                                       "--out {}",
                                       file.string(), (s.path() / "o").string()));
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(r.err, fmt::format("flexcim synth: reading toggle rates from {0}\nflexcim synth: error: {0}: has no signal "
                               "in_act[16] of flexcim p2_r2_c2_g2_a4_w4: a waveform of another design (simulate this "
                               "one with flexcim verify --trace)\n",
                               file.string()));
  EXPECT_FALSE(fs::exists(s.path() / "o"));
}

TEST(RobustSurfaces, VerifyWorkPathCMakeCannotHoldIsRefusedAtOnce) {
  Scratch s;
  const std::string work = (s.path() / "a\"b").string();
  const CliRun r = Flexcim(fmt::format("verify --subs 1 --rows 2 --cols 2 --work '{}'", work));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, fmt::format("flexcim verify: error: --work {}: contains '\"', which the testbench's CMake project "
                               "cannot hold in a path; choose another directory\n",
                               work));
  EXPECT_FALSE(fs::exists(work));
}

// report renders counts of earlier runs' JSON: a float or a negative count is
// an error naming the file and field, never truncated or wrapped.
TEST(RobustSurfaces, ReportCountsAreCheckedIntegers) {
  const Scratch s;
  const fs::path run = s.path() / "run";
  fs::create_directories(run);
  const std::string verify =
      R"({"vectors": VEC, "mismatches": 0, "latency": 7, "cycles": 3010, "config": "p4_r16_c16_g16_a8_w8"})";
  for (const auto& [vectors, shown] : {std::pair{"3000.7", "3000.7"}, std::pair{"-5", "-5"},
                                       std::pair{"18446744073709551615", "18446744073709551615"}}) {
    std::string text = verify;
    text.replace(text.find("VEC"), 3, vectors);
    WriteBytes(run / "verify.json", text);
    const CliRun r = Flexcim(fmt::format("report --run {}", run.string()));
    EXPECT_EQ(r.code, 1) << vectors;
    EXPECT_EQ(r.err, fmt::format("flexcim report: error: {}: unexpected content: field: 'vectors' is {}; must be an "
                                 "integer in [0, 9223372036854775807]\n",
                                 (run / "verify.json").string(), shown))
        << vectors;
  }
}

}  // namespace
}  // namespace flexcim
