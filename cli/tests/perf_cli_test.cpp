// flexcim perf, flexcim report (performance section) and their bad inputs,
// through the binary, on small hand-checked cases.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/tests/cli_run.h"
#include "core/macro_config.h"

namespace flexcim {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::Flexcim;
using testing::Scratch;
using testing::Slurp;

nlohmann::json ReadJsonFile(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

// Llama-2-7B at 2:4 on the default macro, 64 macros each:
// flexcim tiles per block: wq, wk, wv, wo 64 x 128 each, w1, w3 64 x 344,
// w2 172 x 128 -> 98816; x 32 blocks. Decode: per layer ceil(tiles/64)
// rounds of (64 load + Lw - 1 = 2 + 1 + L) cycles (FLEXCIM.md 5b: the first
// vector comes Lw = 3 cycles after the last row write).
TEST(PerfCli, LlamaShapesCountTilesAndCycles) {
  Scratch s;
  const fs::path json = s.path() / "perf.json";
  const CliRun r = Flexcim(fmt::format("perf --shape llama2-7b --nm 2:4 --macros 64 --json {}", json.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = ReadJsonFile(json);
  const int64_t L = MacroConfig::Default().pipeline_latency();
  EXPECT_EQ(j["flexcim"]["tiles"], 3162112);
  EXPECT_EQ(j["flexcim"]["regime"], "streamed");
  EXPECT_EQ(j["flexcim"]["decode_cycles"], 32 * (4 * 128 + 3 * 344) * (64 + 2 + 1 + L));
  EXPECT_EQ(j["flexcim"]["prefill_cycles"], 32 * (4 * 128 + 3 * 344) * (64 + 2 + 128 + L));
  EXPECT_EQ(j["dense"]["tiles"], 2 * 3162112);
  EXPECT_EQ(j["sparse12"]["tiles"], 2 * 3162112);  // 2:4 may keep both of a pair: dense mode
  EXPECT_TRUE(j["flexcim"]["energy_per_token_pj"].is_null());
  EXPECT_TRUE(j["flexcim"]["equal_area"].is_null());
}

// Mamba-2.8b (d_model 2560, 64 blocks, d_inner 5120, d_state 16, dt_rank
// 160) at 2:4 on the default macro, 64 macros: tiles = ceil(in/64) x
// ceil(out/32) as for Llama above. Per block: in_proj 10240 x 2560 -> 40 x
// 320 = 12800, x_proj 192 x 5120 -> 80 x 6 = 480, dt_proj 5120 x 160 -> 3 x
// 160 = 480, out_proj 2560 x 5120 -> 80 x 80 = 6400; 20160 per block.
// Decode rounds per block: 200 + 8 + 8 + 100 = 316 (ceil(tiles/64)).
TEST(PerfCli, MambaShapesCountTilesAndCyclesAndSayWhatIsOutside) {
  Scratch s;
  const fs::path json = s.path() / "perf.json";
  const CliRun r = Flexcim(fmt::format("perf --shape mamba-2.8b --nm 2:4 --macros 64 --json {}", json.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = ReadJsonFile(json);
  const int64_t L = MacroConfig::Default().pipeline_latency();
  EXPECT_EQ(j["flexcim"]["tiles"], 64 * 20160);
  EXPECT_EQ(j["flexcim"]["decode_cycles"], 64 * 316 * (64 + 2 + 1 + L));
  EXPECT_EQ(j["flexcim"]["prefill_cycles"], 64 * 316 * (64 + 2 + 128 + L));
  EXPECT_EQ(j["dense"]["tiles"], 2 * 64 * 20160);
  const std::string outside =
      "Mamba: in_proj, x_proj, dt_proj and out_proj of every block run on the macros; the selective scan (exp, "
      "softplus, the state update), the depthwise conv1d, SiLU gating, the norms and the classifier are outside "
      "the comparison, as attention is for a transformer.";
  EXPECT_EQ(j["outside_the_comparison"], outside);
  EXPECT_NE(r.out.find("mamba-2.8b (2:4) on 64 macros"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n" + outside + "\n"), std::string::npos) << r.out;
  // The same shape as JSON gives the same counts.
  std::ofstream(s.path() / "m.json") << R"({"family": "mamba", "blocks": 64, "dim": 2560})";
  const CliRun f = Flexcim(fmt::format("perf --shape {} --nm 2:4 --macros 64 --json {}",
                                       (s.path() / "m.json").string(), (s.path() / "f.json").string()));
  ASSERT_EQ(f.code, 0) << f.err;
  EXPECT_EQ(ReadJsonFile(s.path() / "f.json")["flexcim"]["decode_cycles"], j["flexcim"]["decode_cycles"]);
}

struct SmallModel {
  fs::path shape, patterns;
};

// Two blocks, dim 8, hidden 16, 2 heads, 1 kv head (kv_dim 4): block 0 at
// 1:2, block 1 dense (4:4), on P=2 R=2 C=2 A=4 W=4.
SmallModel WriteSmallModel(const Scratch& s) {
  SmallModel m{s.path() / "shape.json", s.path() / "layers.txt"};
  std::ofstream(m.shape) << R"({"blocks": 2, "dim": 8, "hidden": 16, "heads": 2, "kv_heads": 1})";
  std::ofstream(m.patterns) << "Layer 0: 1:2\nLayer 1: 4:4\n";
  return m;
}

constexpr const char* kSmallMacro = "--subs 2 --rows 2 --cols 2 --a-bits 4 --w-bits 4";

TEST(PerfCli, ShapeFilePatternsFileAndEnergies) {
  Scratch s;
  const SmallModel m = WriteSmallModel(s);
  const fs::path energy = s.path() / "energy.json", json = s.path() / "perf.json";
  std::ofstream(energy) << R"({"archs": {
    "flexcim": {"config": "p2_r2_c2_g2_a4_w4", "area_um2": 1000, "fmax_mhz": 250,
                "energy_pj": {"vector": 10, "row_write": 2, "idle_cycle": 0.5}},
    "dense": {"config": "p2_r2_c2_a4_w4", "area_um2": 400, "fmax_mhz": 500,
              "energy_pj": {"vector": 4, "row_write": 1, "idle_cycle": 0.25}},
    "sparse12": {"config": "p2_r2_c2_a4_w4", "area_um2": 600, "fmax_mhz": 400,
                 "energy_pj": {"vector": 6, "row_write": 1.5, "idle_cycle": 0.25}}}})";
  const CliRun r = Flexcim(fmt::format("perf --shape {} --patterns {} {} --energy {} --buffer-pj-per-bit 0.25 --json {}",
                                       m.shape.string(), m.patterns.string(), kSmallMacro, energy.string(),
                                       json.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = ReadJsonFile(json);
  // Tiles (by hand, docs/PERF.md): block 0 1:2 -> flexcim 36, sparse12
  // native 36, dense 72; block 1 dense -> 72 on each.
  EXPECT_EQ(j["flexcim"]["tiles"], 108);
  EXPECT_EQ(j["sparse12"]["tiles"], 108);
  EXPECT_EQ(j["dense"]["tiles"], 144);
  const int64_t L = MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 4, .w_bits = 4}).pipeline_latency();
  // One macro, streamed: each tile 4 row writes, Lw - 1 = 2 cycles while the
  // last is in flight (idle energy), 1 vector, L fill cycles.
  EXPECT_EQ(j["flexcim"]["decode_cycles"], 108 * (4 + 2 + 1 + L));
  EXPECT_DOUBLE_EQ(j["flexcim"]["energy_per_token_pj"].get<double>(), 108 * 10.0 + 432 * 2.0 + 108 * (L + 2) * 0.5);
  // Buffer: 432 rows of C*(W+1) + (C/G)*SB = 11 bits at 0.25 pJ/bit.
  EXPECT_DOUBLE_EQ(j["flexcim"]["energy_per_token_with_buffer_pj"].get<double>(),
                   108 * 10.0 + 432 * 2.0 + 108 * (L + 2) * 0.5 + 432 * 11 * 0.25);
  EXPECT_DOUBLE_EQ(j["flexcim"]["decode_us"].get<double>(), 108.0 * (7 + L) / 250);
  EXPECT_DOUBLE_EQ(j["dense"]["energy_per_token_pj"].get<double>(), 144 * 4.0 + 576 * 1.0 + 144 * (L + 2) * 0.25);
  // Equal area: 1000/400 -> 3 dense macros, 1000/600 -> 2 sparse12 macros.
  EXPECT_EQ(j["dense"]["equal_area"]["macros"], 3);
  // Per layer ceil(tiles / 3) rounds: dense tiles per block 8, 4, 4, 8, 16, 16, 16 -> 28 rounds.
  EXPECT_EQ(j["dense"]["equal_area"]["decode_cycles"], 2 * 28 * (4 + 2 + 1 + L));
  EXPECT_EQ(j["sparse12"]["equal_area"]["macros"], 2);
  EXPECT_EQ(j["flexcim"]["equal_area"]["macros"], 1);
  EXPECT_NE(r.out.find("| dense (equal area) | 3 | streamed | 144 |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(fmt::format("\nEnergies from {}: activity not recorded in the file.\n", energy.string())),
            std::string::npos)
      << r.out;

  // Energies from simulated activity (`flexcim energy --stimulus`): the
  // source of each architecture's energies is printed beside the figures;
  // a vectorless file says its activities.
  std::string text = Slurp(energy);
  for (const auto& [arch, from] : {std::pair{"flexcim", R"("stimulus": "map/stimulus.txt")"},
                                   {"dense", R"("trace": "d.vcd")"},
                                   {"sparse12", R"("stimulus": "map/stimulus_sparse12.txt")"}}) {
    const std::string key = fmt::format("\"{}\": {{", arch);
    text.insert(text.find(key) + key.size(), fmt::format(R"("activity": "simulated", {}, )", from));
  }
  std::ofstream(energy) << text;
  const CliRun sim = Flexcim(fmt::format("perf --shape {} --patterns {} {} --energy {} --json {}", m.shape.string(),
                                         m.patterns.string(), kSmallMacro, energy.string(), json.string()));
  ASSERT_EQ(sim.code, 0) << sim.err;
  EXPECT_NE(sim.out.find(fmt::format("\nEnergies from {}: simulated activity (dense: d.vcd; flexcim: map/stimulus.txt; "
                                     "sparse12: map/stimulus_sparse12.txt).\n",
                                     energy.string())),
            std::string::npos)
      << sim.out;
  EXPECT_DOUBLE_EQ(ReadJsonFile(json)["flexcim"]["energy_per_token_pj"].get<double>(),
                   108 * 10.0 + 432 * 2.0 + 108 * (L + 2) * 0.5);  // the same energies
  std::ofstream(energy) << R"({"act_activity": 0.5, "write_activity": 0.25, "archs": {
    "flexcim": {"config": "p2_r2_c2_g2_a4_w4", "area_um2": 1000, "fmax_mhz": 250,
                "energy_pj": {"vector": 10, "row_write": 2, "idle_cycle": 0.5}}}})";
  const CliRun vectorless = Flexcim(fmt::format("perf --shape {} --patterns {} {} --energy {} --arch flexcim",
                                                m.shape.string(), m.patterns.string(), kSmallMacro, energy.string()));
  ASSERT_EQ(vectorless.code, 0) << vectorless.err;
  EXPECT_NE(vectorless.out.find(fmt::format("\nEnergies from {}: vectorless activity (in_act 0.5, write 0.25 toggles "
                                            "per bit per cycle).\n",
                                            energy.string())),
            std::string::npos)
      << vectorless.out;
}

// stories15M's shapes at 1:2 (6 blocks): per block wq, wk, wv, wo 288 x 288,
// w1, w3 768 x 288, w2 288 x 768. As 1:2: 4 x 45 + 2 x 108 + 120 = 516
// tiles; fewest-tiles runs wq..wo as 2:4 (45) and w2 as 4:8 (108): 504;
// widest runs everything as 4:8, 4 x 54 + 2 x 144 + 108 = 612, the fixed
// 1:2 macro's own tiles, so its cycles equal that macro's.
TEST(PerfCli, FlexcimRunsLayersAsEquivalentPatterns) {
  Scratch s;
  std::vector<nlohmann::json> runs;
  for (const char* policy : {"pruned", "fewest-tiles", "widest"}) {
    const fs::path json = s.path() / fmt::format("{}.json", policy);
    const CliRun r = Flexcim(fmt::format("perf --shape {}/testdata/perf/stories15m-shape.json --nm 1:2 --arch "
                                         "flexcim,sparse12 --flexcim-run-as {} --json {}",
                                         testing::SourceDir().string(), policy, json.string()));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out.find("FlexCiM runs each layer as") != std::string::npos, std::string(policy) != "pruned");
    runs.push_back(ReadJsonFile(json));
    EXPECT_EQ(runs.back()["flexcim"]["flexcim_run_as"], policy);
    EXPECT_FALSE(runs.back()["sparse12"].contains("flexcim_run_as"));
    EXPECT_EQ(runs.back()["sparse12"]["tiles"], 6 * 612);
    EXPECT_EQ(runs.back()["sparse12"]["decode_cycles"], 271728);
  }
  EXPECT_EQ(runs[0]["flexcim"]["tiles"], 6 * 516);
  EXPECT_EQ(runs[1]["flexcim"]["tiles"], 6 * 504);
  EXPECT_EQ(runs[2]["flexcim"]["tiles"], 6 * 612);
  EXPECT_EQ(runs[0]["flexcim"]["layers"][0]["runs_as"], "1:2 as 1:2");
  EXPECT_EQ(runs[1]["flexcim"]["layers"][0]["runs_as"], "1:2 as 2:4");
  EXPECT_EQ(runs[1]["flexcim"]["layers"][5]["runs_as"], "1:2 as 4:8");  // 0.w2
  EXPECT_EQ(runs[1]["flexcim"]["layers"][4]["runs_as"], "1:2 as 1:2");  // 0.w1
  EXPECT_EQ(runs[2]["flexcim"]["decode_cycles"], 271728);
  EXPECT_EQ(runs[0]["flexcim"]["decode_cycles"], 229104);
  EXPECT_EQ(runs[1]["flexcim"]["decode_cycles"], 223776);
  const CliRun bad = Flexcim("perf --shape stories260k --nm 1:2 --flexcim-run-as best");
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err, "flexcim perf: error: --flexcim-run-as best: must be one of pruned, fewest-tiles, widest\n");
}

TEST(PerfCli, BadInputsNameTheFlagLayerOrPattern) {
  Scratch s;
  const SmallModel m = WriteSmallModel(s);
  const fs::path json = s.path() / "perf.json";
  struct Case {
    std::string args, err;
    int code;
  };
  const std::vector<Case> cases = {
      {"perf --shape llama2-7b --nm 2:4 --macros 0", "flexcim perf: error: --macros 0: must be >= 1\n", 2},
      {"perf --shape llama2-7b --nm 2:4 --tokens 0", "flexcim perf: error: --tokens 0: must be >= 1\n", 2},
      {"perf --shape llama2-7b --nm 2:4 --buffer-pj-per-bit -1",
       "flexcim perf: error: --buffer-pj-per-bit -1: must be >= 0\n", 2},
      {"perf --shape llama2-7b", "flexcim perf: error: --nm / --patterns: give exactly one with --shape\n", 2},
      {"perf --nm 2:4", "flexcim perf: error: --pruned / --shape: give exactly one\n", 2},
      {"perf --shape gpt5 --nm 2:4",
       "flexcim perf: error: --shape gpt5: neither stories260k, llama2-7b, mamba-130m, mamba-370m, mamba-790m, "
       "mamba-1.4b, mamba-2.8b nor an existing JSON file\n", 2},
      {"perf --shape llama2-7b --nm 2:4 --arch tpu",
       "flexcim perf: error: --arch tpu: must be one of flexcim, dense, sparse12\n", 2},
      {fmt::format("perf --shape {} --nm 1:16 --json {}", m.shape.string(), json.string()),
       "flexcim perf: error: layer 0.wq: pattern 1:16 does not run on flexcim p4_r16_c16_g16_a8_w8 (supported: 1:2, "
       "2:2, 1:4, 2:4, 4:4, 1:8, 2:8, 4:8, 8:8; N = M runs as 2:2)\n",
       1},
      {fmt::format("perf --shape {} --patterns {} {} --arch flexcim", m.shape.string(), m.shape.string(), kSmallMacro),
       fmt::format("flexcim perf: error: {}: line 1: expected \"Layer 0: N:M\", got "
                   "\"{{\"blocks\": 2, \"dim\": 8, \"hidden\": 16, \"heads\": 2, \"kv_heads\": 1}}\"\n",
                   m.shape.string()),
       1},
  };
  const fs::path negative = s.path() / "negative.json";
  std::ofstream(negative) << R"({"archs": {"dense": {"config": "p4_r16_c16_a8_w8", "area_um2": 1, "fmax_mhz": 1,
                                 "energy_pj": {"vector": -1, "row_write": 1, "idle_cycle": 1}}}})";
  const std::vector<Case> more = {
      {fmt::format("perf --shape llama2-7b --nm 2:4 --energy {} --json {}", negative.string(), json.string()),
       fmt::format("flexcim perf: error: {}: dense: \"vector\" is -1, must be >= 0 and at most 1e15\n",
                   negative.string()),
       1},
      {fmt::format("energy --synth {} --out {} --act-activity 1.5", s.path().string(), json.string()),
       "flexcim energy: error: --act-activity 1.5: must be in [0, 1]\n", 2},
      {fmt::format("energy --synth {} --out {}", s.path().string(), json.string()),
       fmt::format("flexcim energy: error: --synth {}: no {} (is it the --out directory of flexcim synth?)\n",
                   s.path().string(), (s.path() / "report.json").string()),
       2},
      {fmt::format("report --run {} --macros 1,0", s.path().string()),
       "flexcim report: error: --macros 1,0: each Q must be an integer in [1, 1048576]\n", 2},
  };
  for (const std::vector<Case>* list : {&cases, &more}) {
    for (const Case& c : *list) {
      const CliRun r = Flexcim(c.args);
      EXPECT_EQ(r.code, c.code) << c.args;
      EXPECT_EQ(r.err, c.err) << c.args;
    }
  }
  EXPECT_FALSE(fs::exists(json));
}

// energy from simulated activity: a stimulus for another configuration is
// refused before any tool runs, and a trace whose scopes do not match the
// netlist names the first register it lacks (exit 1 both).
TEST(EnergyCli, SimulatedActivityRefusesForeignStimulusAndMismatchedTrace) {
  Scratch s;
  const fs::path synth = s.path() / "synth", design = synth / "work" / "flexcim_p2_r2_c2_g1_a4_w4";
  const CliRun gen = Flexcim(fmt::format("gen --subs 2 --rows 2 --cols 2 --sel-group 1 --a-bits 4 --w-bits 4 --out {}",
                                         (design / "rtl").string()));
  ASSERT_EQ(gen.code, 0) << gen.err;
  fs::create_directories(design / "synth");
  // A netlist with one register, u_store.q_reg, whose output is u_store.q.
  std::ofstream(design / "synth" / "sta_netlist.v")
      << "module store(clk, d, q);\n  input clk;\n  input d;\n  output q;\n"
         "  sky130_fd_sc_hd__dfxtp_1 q_reg (\n    .CLK(clk),\n    .D(d),\n    .Q(q)\n  );\nendmodule\n"
         "module flexcim_top(clk, d, q);\n  input clk;\n  input d;\n  output q;\n"
         "  store u_store (\n    .clk(clk),\n    .d(d),\n    .q(q)\n  );\nendmodule\n";
  nlohmann::json report;
  report["results"] = {{{"arch", "flexcim"}, {"work_dir", (design / "synth").string()},
                        {"area", {{"total_um2", 10000.0}}}, {"timing", {{"min_period_ns", 3.0}}}}};
  std::ofstream(synth / "report.json") << report.dump();
  const fs::path out = s.path() / "energy.json";

  const fs::path stimulus = s.path() / "stimulus.txt";
  std::ofstream(stimulus) << "flexcim-stimulus 1\nconfig p4_r16_c16_g16_a8_w8\ncycles 0\n";
  const CliRun foreign = Flexcim(fmt::format("energy --synth {} --out {} --stimulus {}", synth.string(), out.string(),
                                             stimulus.string()));
  EXPECT_EQ(foreign.code, 1);
  EXPECT_EQ(foreign.err, fmt::format("flexcim energy: error: --stimulus {}: the stimulus is for p4_r16_c16_g16_a8_w8, "
                                     "which is not a design of --synth {} (p2_r2_c2_g1_a4_w4)\n",
                                     stimulus.string(), synth.string()));
  EXPECT_FALSE(fs::exists(synth / "energy_work" / "flexcim_p2_r2_c2_g1_a4_w4" / "tb"));  // no Verilator

  // --map: each design's stimulus from a map output's map.json.
  const fs::path map = s.path() / "map";
  const CliRun no_map = Flexcim(fmt::format("energy --synth {} --out {} --map {}", synth.string(), out.string(),
                                            map.string()));
  EXPECT_EQ(no_map.code, 2);
  EXPECT_EQ(no_map.err, fmt::format("flexcim energy: error: --map {}: no map.json (the --out directory of flexcim "
                                    "map)\n",
                                    map.string()));
  fs::create_directories(map);
  std::ofstream(map / "map.json") << R"({"stimuli": [{"design": "p4_r16_c16_g16_a8_w8", "file": "stimulus.txt"}]})";
  const CliRun unlisted = Flexcim(fmt::format("energy --synth {} --out {} --map {}", synth.string(), out.string(),
                                              map.string()));
  EXPECT_EQ(unlisted.code, 1);
  EXPECT_EQ(unlisted.err, fmt::format("flexcim energy: error: --map {}: map.json lists no stimulus for "
                                      "p2_r2_c2_g1_a4_w4 (map it with --arch flexcim --stimulus-mac bit-parallel "
                                      "--stimulus-storage ff)\n",
                                      map.string()));

  // A trace of every input port of the design but of another hierarchy.
  const nlohmann::json manifest = ReadJsonFile(design / "rtl" / "manifest.json");
  std::string vcd = "$scope module TOP $end\n$scope module flexcim_top $end\n";
  int id = 0;
  for (const auto& port : manifest["ports"]) {
    const int width = port["width"].get<int>();
    vcd += fmt::format("$var wire {} v{} {}{} $end\n", width, id++, port["name"].get<std::string>(),
                       width > 1 ? fmt::format(" [{}:0]", width - 1) : "");
  }
  vcd += "$scope module u_other $end\n$var wire 1 q1 q $end\n$upscope $end\n$upscope $end\n$upscope $end\n"
         "$enddefinitions $end\n#0\n";
  for (int i = 0; i < id; ++i) vcd += fmt::format("b0 v{}\n", i);  // clk falls: one cycle
  const fs::path trace = s.path() / "trace.vcd";
  std::ofstream(trace) << vcd;
  const CliRun mismatch = Flexcim(fmt::format("energy --synth {} --out {} --activity-vcd p2_r2_c2_g1_a4_w4={}",
                                              synth.string(), out.string(), trace.string()));
  EXPECT_EQ(mismatch.code, 1);
  EXPECT_EQ(mismatch.err, fmt::format("flexcim energy: error: flexcim p2_r2_c2_g1_a4_w4: {}: the trace has no signal "
                                      "u_store.q (output of register u_store.q_reg): is it a trace of this design?\n",
                                      trace.string()));
  EXPECT_FALSE(fs::exists(out));

  const CliRun unknown = Flexcim(fmt::format("energy --synth {} --out {} --activity-vcd p4_r16_c16_g16_a8_w8={}",
                                             synth.string(), out.string(), trace.string()));
  EXPECT_EQ(unknown.code, 2);
  EXPECT_EQ(unknown.err, fmt::format("flexcim energy: error: --activity-vcd p4_r16_c16_g16_a8_w8={}: "
                                     "p4_r16_c16_g16_a8_w8 is not a design of --synth {} (p2_r2_c2_g1_a4_w4)\n",
                                     trace.string(), synth.string()));
}

// energy --combine: one table of the designs of several energy files.
TEST(EnergyCli, CombineTabulatesTheDesignsOfSeveralRuns) {
  Scratch s;
  auto design = [](const std::string& arch, const std::string& storage, double area, double pj) {
    return nlohmann::json{{"arch", arch},
                          {"macro", {{"P", 4}, {"R", 16}, {"C", 16}, {"G", 16}, {"A", 8}, {"W", 8}, {"storage", storage}}},
                          {"area_um2", area},
                          {"fmax_mhz", 100.0},
                          {"energy_pj", {{"vector", pj}, {"row_write", 1.0}, {"idle_cycle", 0.5}}},
                          {"area_um2_by_component", {{"multipliers", area}}}};
  };
  const fs::path a = s.path() / "ff.json", b = s.path() / "latch.json", out = s.path() / "table.json";
  std::ofstream(a) << nlohmann::json{{"designs", {{"p4_r16_c16_g16_a8_w8", design("flexcim", "ff", 2e6, 2048)}}}};
  std::ofstream(b) << nlohmann::json{
      {"designs",
       {{"sparse12_p4_r16_c16_a8_w8_latch", design("sparse12", "latch", 1e6, 1024)},
        {"p4_r16_c16_g16_a8_w8_latch", design("flexcim", "latch", 1.1e6, 1126.4)}}}};
  const CliRun r = Flexcim(fmt::format("energy --combine {},{} --out {}", b.string(), a.string(), out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string md = Slurp(s.path() / "table.md");
  // Rows by cell style, storage, architecture; 1024 8-bit MACs per vector.
  EXPECT_NE(md.find("| flexcim | bit-parallel | ff | 2.000 | 100.0 | 2048.0 | 1.0 | 0.5 | 2.000 | 1.0000 | 0.10240 |\n"
                    "| flexcim | bit-parallel | latch | 1.100 | 100.0 | 1126.4 | 1.0 | 0.5 | 1.100 | 1.8182 | 0.18618 |\n"
                    "| sparse12 | bit-parallel | latch | 1.000 | 100.0 | 1024.0 | 1.0 | 0.5 | 1.000 | 2.0000 | 0.20480 |\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| bit-parallel | latch | sparse12_p4_r16_c16_a8_w8_latch | +10.00% | +10.00% | +0.00 / +10.00 | "
                    "multipliers +10.00 (energy not split: measured without it) |"),
            std::string::npos)
      << md;
  EXPECT_EQ(ReadJsonFile(out)["designs"].size(), 3u);
  const CliRun twice = Flexcim(fmt::format("energy --combine {},{} --out {}", a.string(), a.string(),
                                           (s.path() / "t2.json").string()));
  EXPECT_EQ(twice.code, 2);
  EXPECT_EQ(twice.err, fmt::format("flexcim energy: error: --combine {},{}: '{}' given twice\n", a.string(), a.string(),
                                   a.string()));
  const CliRun with_synth = Flexcim(fmt::format("energy --combine {} --synth {} --out {}", a.string(), s.path().string(),
                                                (s.path() / "t2.json").string()));
  EXPECT_EQ(with_synth.code, 2);
  EXPECT_EQ(with_synth.err, "flexcim energy: error: --combine: measures nothing; give it without --synth, --stimulus, "
                            "--map or --activity-vcd\n");
  EXPECT_FALSE(fs::exists(s.path() / "t2.json"));
}

TEST(ReportCli, RunDirWithMissingPiecesSaysWhichAndStillWritesTheRest) {
  Scratch s;
  const fs::path run = s.path() / "run", out = s.path() / "report";
  fs::create_directories(run);
  const CliRun r = Flexcim(fmt::format("report --run {} --out {} --summary --macros 1", run.string(), out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  // The Llama-2-7B rows need no run pieces: uniform 2:4 on one default
  // macro, 3162112 tiles of (64 + 2 + 1 + L) cycles (Lw - 1 = 2); twice the tiles on sparse12
  // (dense mode) and dense, as many on sparse12 running uniform 1:2.
  const int64_t L = MacroConfig::Default().pipeline_latency();
  EXPECT_NE(r.out.find(fmt::format("| Llama-2-7B shapes | uniform 2:4 | 1 | - | - ({}) | - | 2.00x / - | 1.00x / - | "
                                   "2.00x / - |",
                                   3162112 * (67 + L))),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(fmt::format("Shipped model: missing ({}/prune_report/report.json not found", run.string())),
            std::string::npos)
      << r.out;
  const std::string md = Slurp(out / "report.md");
  EXPECT_NE(md.find(fmt::format("Missing: {}/prune/prune.json not found", run.string())), std::string::npos);
  EXPECT_NE(md.find("**Energies missing**"), std::string::npos);
  EXPECT_TRUE(fs::exists(out / "perf_blocks.svg"));
  EXPECT_TRUE(fs::exists(out / "perf_breakdown.svg"));
  const nlohmann::json j = ReadJsonFile(out / "report.json");
  EXPECT_EQ(j["performance"]["missing"]["energies"], "no operation-energy file");

  // With an energy file from simulated activity the report says so beside the table.
  fs::create_directories(run / "synth");
  std::ofstream(run / "synth" / "energy.json") << R"({"activity": "simulated", "archs": {"flexcim": {
    "config": "p4_r16_c16_g16_a8_w8", "area_um2": 4000000, "fmax_mhz": 170, "activity": "simulated",
    "stimulus": "map/stimulus.txt", "energy_pj": {"vector": 9000, "row_write": 3700, "idle_cycle": 3600}}}})";
  const CliRun e = Flexcim(fmt::format("report --run {} --out {} --summary --macros 1", run.string(),
                                       (s.path() / "report2").string()));
  ASSERT_EQ(e.code, 0) << e.err;
  EXPECT_NE(Slurp(s.path() / "report2" / "report.md")
                .find(fmt::format("Energy per operation ({}; OpenSTA at each design's one-clock period; simulated "
                                  "activity (flexcim: map/stimulus.txt)):",
                                  (run / "synth" / "energy.json").string())),
            std::string::npos);
}

}  // namespace
}  // namespace flexcim
