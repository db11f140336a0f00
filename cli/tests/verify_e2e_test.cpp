// flexcim verify end to end on small configurations outside the snapshot
// list (generation, the written CMake project, Verilator, the run):
// the reused build, waveforms (a valid VCD with the top's ports and one
// rising clock edge per cycle; a complete FST), a real mismatch (exit 3)
// on an RTL edited by hand, and a waveform on a full disk (exit 1, no
// temporary); for FlexCiM and for the baselines (--arch), whose measured
// toggle rates feed `synth --activity-from`. Each test reuses one
// testbench build for all its runs: CI pays for every Verilator build.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "cli/tests/cli_run.h"
#include "core/json_input.h"

#ifndef FLEXCIM_TEST_WORK
#error "FLEXCIM_TEST_WORK must be defined by the build"
#endif

namespace flexcim {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::Flexcim;
using testing::Slurp;

const fs::path kWork = FLEXCIM_TEST_WORK;
const std::string kConfig = "--subs 2 --rows 2 --cols 2 --sel-group 1 --a-bits 3 --w-bits 2";

// What the tests check in a VCD file: the timescale, the variables of the
// outermost scope (name -> width), and the clock's rising edges.
struct Vcd {
  std::string timescale;
  std::map<std::string, int> top_vars;
  std::string top_scope;
  std::vector<uint64_t> clk_rises;  // times
  uint64_t last_time = 0;
};

Vcd ReadVcd(const fs::path& path) {
  std::ifstream in(path);
  Vcd v;
  std::string line, clk_id;
  int depth = 0;
  bool definitions = true, clk_low = false;
  uint64_t time = 0;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string w;
    words >> w;
    if (definitions) {
      if (w == "$timescale") words >> v.timescale;
      if (w == "$scope") {
        std::string kind, name;
        words >> kind >> name;
        if (++depth == 1) v.top_scope = name;
      }
      if (w == "$upscope") --depth;
      if (w == "$var" && depth == 1) {
        std::string type, id, name;
        int width = 0;
        words >> type >> width >> id >> name;
        v.top_vars[name] = width;
        if (name == "clk") clk_id = id;
      }
      if (w == "$enddefinitions") definitions = false;
      continue;
    }
    if (line.empty()) continue;
    if (line[0] == '#') {
      time = std::stoull(line.substr(1));
      v.last_time = time;
    } else if (line.size() >= 2 && (line[0] == '0' || line[0] == '1') && line.substr(1) == clk_id) {
      if (line[0] == '1' && clk_low) v.clk_rises.push_back(time);
      clk_low = line[0] == '0';
    }
  }
  return v;
}

// Every port of the design's manifest appears in the VCD's top scope with its width.
void ExpectPorts(const Vcd& vcd, const fs::path& manifest_path) {
  const nlohmann::json m = nlohmann::json::parse(Slurp(manifest_path));
  ASSERT_FALSE(m.at("ports").empty());
  EXPECT_EQ(vcd.top_vars.size(), m.at("ports").size());
  for (const auto& p : m.at("ports")) {
    const std::string name = p.at("name");
    ASSERT_TRUE(vcd.top_vars.count(name)) << name;
    EXPECT_EQ(vcd.top_vars.at(name), p.at("width").get<int>()) << name;
  }
}

// Rising edge n at 10n + 5 ns, one per cycle.
void ExpectEdges(const Vcd& vcd, size_t cycles) {
  EXPECT_EQ(vcd.timescale, "1ns");
  ASSERT_EQ(vcd.clk_rises.size(), cycles);
  for (size_t n = 0; n < cycles; ++n) ASSERT_EQ(vcd.clk_rises[n], 10 * n + 5) << n;
}

// Edits a generated design by hand: the first adder of the adder tree
// (the file whose name starts with `prefix`) becomes a subtractor.
void TurnFirstAdderIntoSubtractor(const fs::path& rtl, const std::string& prefix) {
  bool edited = false;
  for (const auto& e : fs::directory_iterator(rtl)) {
    if (e.path().filename().string().rfind(prefix, 0) != 0) continue;
    std::string text = Slurp(e.path());
    const size_t at = text.find("} + {");
    ASSERT_NE(at, std::string::npos) << "no '} + {' in " << e.path();
    text.replace(at, 5, "} - {");
    std::ofstream(e.path()) << text;
    edited = true;
  }
  ASSERT_TRUE(edited) << "no " << prefix << " file in " << rtl;
}

// The temporaries beside a waveform file ("<name>.tmp.<pid>...").
std::vector<std::string> TemporariesOf(const fs::path& trace) {
  std::vector<std::string> found;
  const std::string stem = trace.filename().string() + ".tmp.";
  for (const auto& e : fs::directory_iterator(trace.parent_path())) {
    if (e.path().filename().string().rfind(stem, 0) == 0) found.push_back(e.path().filename().string());
  }
  return found;
}

// `flexcim verify <args> --trace <trace>` on a "full disk": every file
// limited to 2 MiB, above what the reused build rewrites (CMake's
// dependency files, ~300 KB; CMake resets SIGXFSZ for its children) and
// below the waveform of the run. Exit 1 in bounded time, the testbench's
// one line naming the trace file (`reason` after "write failed: "), no
// waveform, no temporary.
void ExpectFullDiskTraceFails(const std::string& args, const fs::path& trace, const std::string& reason) {
  const CliRun r = testing::FlexcimOnFullDisk(fmt::format("verify {} --trace {}", args, trace.string()),
                                              2 << 20, 120);
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find(fmt::format("\nflexcim_tb: error: --trace {}: write failed: {}\n", trace.string(), reason)),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("failed (exit 1) before comparing every output; its message is above"), std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(trace));
  EXPECT_EQ(TemporariesOf(trace), std::vector<std::string>{});
}

TEST(VerifyE2e, RandomRunReplayEditedRtlAndFullDiskReuseOneBuild) {
  const fs::path base = kWork / "waveforms", work = base / "work", vcd = base / "random.vcd";
  fs::remove_all(base);
  fs::create_directories(base);
  const CliRun first = Flexcim(fmt::format("verify {} --vectors 2000 --work {} --trace {}", kConfig, work.string(),
                                           vcd.string()));
  ASSERT_EQ(first.code, 0) << first.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(first.out, m, std::regex("^verified 20[0-9][0-9] vectors, 0 mismatches, latency [0-9]+ "
                                                        "cycles\np2_r2_c2_g1_a3_w2: ([0-9]+) cycles")))
      << first.out;
  const size_t cycles = std::stoul(m[1]);
  EXPECT_NE(first.err.find("verify: compiling the Verilated model and testbench\n"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find(fmt::format("waveform of {} edges: {}\n", cycles, vcd.string())), std::string::npos);
  const Vcd random = ReadVcd(vcd);
  EXPECT_EQ(random.top_scope, "flexcim_top");
  ExpectPorts(random, work / "rtl" / "manifest.json");
  ExpectEdges(random, cycles);
  EXPECT_FALSE(fs::exists(fmt::format("{}.tmp.", vcd.string())));

  // A hand-written replay of 14 edges: reset, load the 4 rows, Lw - 1 = 2
  // cycles for the last write to settle (FLEXCIM.md 5b), 3 vectors, drain.
  const fs::path stim = base / "replay.txt", replay_vcd = base / "replay.vcd";
  {
    std::ofstream s(stim);
    s << "flexcim-stimulus 1\nconfig p2_r2_c2_g1_a3_w2\ncycles 14\n";
    const std::string idle_data = "| 0 0 | 0 0 | 0 0 | 0 0 0 0 0 0 0 0\n";
    s << "0 0 0 0 0 0 " << idle_data;
    for (int k = 0; k < 2; ++k)
      for (int r = 0; r < 2; ++r) s << fmt::format("1 1 {} {} 0 0 | 1 -2 | {} 1 | 1 0 | 0 0 0 0 0 0 0 0\n", k, r, r);
    for (int i = 0; i < 2; ++i) s << "1 0 0 0 0 0 " << idle_data;
    for (int v = 0; v < 3; ++v) s << fmt::format("1 0 0 0 1 {} | 0 0 | 0 0 | 0 0 | 1 2 3 -4 {} 0 -1 1\n", v % 2, v);
    for (int i = 0; i < 4; ++i) s << "1 0 0 0 0 0 " << idle_data;
  }
  const CliRun second = Flexcim(fmt::format("verify {} --stimulus {} --work {} --trace {}", kConfig, stim.string(),
                                            work.string(), replay_vcd.string()));
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_EQ(second.out.substr(0, second.out.find('\n')), "verified 3 vectors, 0 mismatches, latency 3 cycles");
  EXPECT_NE(second.err.find("verify: unchanged design p2_r2_c2_g1_a3_w2 in"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("verify: reusing the testbench build in"), std::string::npos) << second.err;
  EXPECT_EQ(second.err.find("compiling"), std::string::npos) << second.err;
  ExpectEdges(ReadVcd(replay_vcd), 14);

  // The same configuration edited by hand (an adder turned into a
  // subtractor), verified in the same work directory: the testbench build
  // is reused (only the model is re-verilated), the mismatch is exit 3 and
  // the waveform locates the first one.
  const fs::path rtl = base / "edited_rtl", mismatch_vcd = base / "m.vcd";
  ASSERT_EQ(Flexcim(fmt::format("gen {} --out {}", kConfig, rtl.string())).code, 0);
  ASSERT_NO_FATAL_FAILURE(TurnFirstAdderIntoSubtractor(rtl, "flexcim_adder_tree_"));
  const CliRun r = Flexcim(fmt::format("verify --rtl {} --vectors 300 --work {} --trace {}", rtl.string(),
                                       work.string(), mismatch_vcd.string()));
  EXPECT_EQ(r.code, 3) << r.err;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("^verified [0-9]+ vectors, ([1-9][0-9]*) mismatches, latency")))
      << r.out;
  ASSERT_TRUE(std::regex_search(r.err, m, std::regex("waveform of ([0-9]+) edges: .*; first mismatch at edge ([0-9]+), "
                                                    "time ([0-9]+)\n")))
      << r.err;
  const size_t edges = std::stoul(m[1]), first_mismatch = std::stoul(m[2]);
  EXPECT_EQ(std::stoul(m[3]), 10 * first_mismatch + 5);
  EXPECT_NE(r.err.find(fmt::format("verify: MISMATCH: the RTL of p2_r2_c2_g1_a3_w2 disagrees with the golden model "
                                   "(testbench {}, work dir {})\n",
                                   (work / "tb" / "build-vcd" / "flexcim_tb").string(), work.string())),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("verify: reusing the testbench build in"), std::string::npos) << r.err;
  const Vcd v = ReadVcd(mismatch_vcd);
  ExpectPorts(v, rtl / "manifest.json");
  ExpectEdges(v, edges);
  EXPECT_LT(first_mismatch, edges);

  // A full disk (issue 16): Verilator's VCD writer deadlocked; the
  // testbench's checked writer stops at the first failed write.
  ExpectFullDiskTraceFails(fmt::format("--rtl {} --vectors 100000 --work {}", rtl.string(), work.string()),
                           base / "full.vcd", "File too large");
}

// The baselines go through the same testbench: a random run with a
// waveform and a JSON, a hand-written replay on the reused build (sparse12:
// P*R = 2 rows, lane pairs), and the measured toggle rates of its own ports
// handed to `flexcim synth --activity-from`.
TEST(VerifyE2e, BaselineRandomRunReplayAndActivityReuseOneBuild) {
  const std::string config = "--arch sparse12 --subs 1 --rows 2 --cols 2 --a-bits 3 --w-bits 2";
  const fs::path base = kWork / "baseline", work = base / "work", vcd = base / "random.vcd", json = base / "v.json";
  fs::remove_all(base);
  fs::create_directories(base);
  const CliRun first = Flexcim(fmt::format("verify {} --vectors 1000 --work {} --trace {} --json {}", config,
                                           work.string(), vcd.string(), json.string()));
  ASSERT_EQ(first.code, 0) << first.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(first.out, m, std::regex("^verified 10[0-9][0-9] vectors, 0 mismatches, latency 2 "
                                                        "cycles\nsparse12_p1_r2_c2_a3_w2: ([0-9]+) cycles")))
      << first.out;
  const Vcd random = ReadVcd(vcd);
  EXPECT_EQ(random.top_scope, "sparse12_top");
  ExpectPorts(random, work / "rtl" / "manifest.json");
  ExpectEdges(random, std::stoul(m[1]));
  const nlohmann::json result = ReadJsonFile(json);
  EXPECT_EQ(result.at("config"), "sparse12_p1_r2_c2_a3_w2");
  EXPECT_EQ(result.at("arch"), "sparse12");
  std::vector<std::string> ports;
  for (const auto& [port, rate] : result.at("input_toggle_rates").items()) ports.push_back(port);
  EXPECT_EQ(ports, (std::vector<std::string>{"in_act", "in_valid", "rst_n", "wr_e", "wr_en", "wr_row", "wr_w"}));

  // Reset, load both rows (w = 1, -2; e = row), Lw - 1 = 2 settle cycles,
  // 3 vectors, drain:
  // out[c] = sum over r of w[r][c] * x[r][e[r][c]].
  const fs::path stim = base / "replay.txt";
  {
    std::ofstream s(stim);
    s << "flexcim-stimulus 1\nconfig sparse12_p1_r2_c2_a3_w2\ncycles 11\n";
    const std::string idle_data = "| 0 0 | 0 0 | | 0 0 0 0\n";
    s << "0 0 0 0 0 0 " << idle_data;
    for (int r = 0; r < 2; ++r) s << fmt::format("1 1 0 {} 0 0 | 1 -2 | {} {} | | 0 0 0 0\n", r, r, r);
    for (int i = 0; i < 2; ++i) s << "1 0 0 0 0 0 " << idle_data;
    for (int v = 0; v < 3; ++v) s << fmt::format("1 0 0 0 1 0 | 0 0 | 0 0 | | 1 2 3 {}\n", v - 4);
    for (int i = 0; i < 3; ++i) s << "1 0 0 0 0 0 " << idle_data;
  }
  const CliRun second = Flexcim(fmt::format("verify {} --stimulus {} --work {} --trace {}", config, stim.string(),
                                            work.string(), vcd.string()));
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_EQ(second.out.substr(0, second.out.find('\n')), "verified 3 vectors, 0 mismatches, latency 2 cycles");
  EXPECT_NE(second.err.find("verify: unchanged design sparse12_p1_r2_c2_a3_w2 in"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("verify: reusing the testbench build in"), std::string::npos) << second.err;
  ExpectEdges(ReadVcd(vcd), 11);

  // synth --activity-from: the baseline's measured rates are its ports' power activity.
  const fs::path synth_out = base / "synth";
  const CliRun synth = Flexcim(fmt::format("synth {} --activity-from {} --out {}", config, json.string(),
                                           synth_out.string()));
  ASSERT_EQ(synth.code, 0) << synth.err;
  const nlohmann::json ppa = ReadJsonFile(synth_out / "report.json");
  const nlohmann::json& design = ppa.at("results").at(0);
  for (const auto& [port, rate] : result.at("input_toggle_rates").items()) {
    EXPECT_DOUBLE_EQ(design.at("power").at("port_activity").at(port).get<double>(), rate.get<double>()) << port;
  }
}

// ... with an FST waveform: written complete beside the mismatch, and
// refused on a full disk (GTKWave's FST writer closes a truncated file
// without a word; the testbench checks the file it wrote).
TEST(VerifyE2e, BaselineEditedRtlIsAMismatchWithExitCode3AndAnFstWaveform) {
  const fs::path base = kWork / "baseline_mismatch", rtl = base / "edited_rtl", work = base / "work",
                 fst = base / "m.fst";
  fs::remove_all(base);
  fs::create_directories(base);
  ASSERT_EQ(Flexcim(fmt::format("gen --arch dense --subs 1 --rows 2 --cols 2 --a-bits 3 --w-bits 2 --out {}",
                                rtl.string())).code, 0);
  ASSERT_NO_FATAL_FAILURE(TurnFirstAdderIntoSubtractor(rtl, "dcim_dense_adder_tree_"));
  const CliRun r = Flexcim(fmt::format("verify --rtl {} --vectors 300 --work {} --trace {}", rtl.string(),
                                       work.string(), fst.string()));
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_GT(fs::file_size(fst), 330u);  // more than the FST header
  EXPECT_EQ(TemporariesOf(fst), std::vector<std::string>{});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("^verified [0-9]+ vectors, [1-9][0-9]* mismatches, latency 2 "
                                                    "cycles\n  dense_p1_r2_c2_a3_w2 \\(dense\\): cycle [0-9]+: vector "
                                                    "[0-9]+ lane [01]: expected -?[0-9]+ \\(golden\\) got -?[0-9]+ "
                                                    "\\(rtl\\)\n")))
      << r.out;
  EXPECT_NE(r.err.find(fmt::format("verify: MISMATCH: the RTL of dense_p1_r2_c2_a3_w2 disagrees with the golden model "
                                   "(testbench {}, work dir {})\n",
                                   (work / "tb" / "build-fst" / "flexcim_tb").string(), work.string())),
            std::string::npos)
      << r.err;

  // A full disk: the FST the writer closed is cut off at 2 MiB.
  ExpectFullDiskTraceFails(fmt::format("--rtl {} --vectors 100000 --work {}", rtl.string(), work.string()),
                           base / "full.fst",
                           "the FST file is incomplete (block 1 at byte 330 runs past the end of the file "
                           "(2097152 bytes)); is the disk full?");
}

}  // namespace
}  // namespace flexcim
