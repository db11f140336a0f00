// The flexcim binary as users run it: exit codes, exact error lines,
// determinism, nothing left behind on failure, and map on a small container.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/tests/cli_run.h"
#include "core/json_input.h"
#include "core/subprocess.h"
#include "flow_pruner/pruned_container.h"
#include "synth/component_map.h"
#include "synth/ppa_report.h"

namespace flexcim {
namespace {

namespace fs = std::filesystem;

using testing::CliRun;
using testing::Flexcim;
using testing::Scratch;
using testing::Slurp;
using testing::SourceDir;
using testing::SmallContainer;

TEST(Cli, NoCommandAndUnknownCommandAreUsageErrors) {
  const CliRun none = Flexcim("");
  EXPECT_EQ(none.code, 2);
  EXPECT_EQ(none.err.rfind("usage: flexcim <command> [flags]", 0), 0u) << none.err;
  const CliRun bad = Flexcim("frobnicate");
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err.rfind("flexcim: unknown command 'frobnicate'\nusage: flexcim", 0), 0u) << bad.err;
}

TEST(Cli, EveryCommandHasHelp) {
  for (const char* c : {"gen", "verify", "prune", "eval", "map", "synth", "sweep", "bench", "report", "convert", "perf", "energy",
                        "codesign"}) {
    const CliRun r = Flexcim(fmt::format("{} --help", c));
    EXPECT_EQ(r.code, 0) << c;
    EXPECT_EQ(r.out.rfind(fmt::format("usage: flexcim {} ", c), 0), 0u) << c << ": " << r.out;
  }
}

// The comparison tables committed in testdata/ppa (docs/PPA.md quotes them
// and names their commands) are what `energy --combine` gives from the
// committed energy files: a file or the combine code changed without the
// table written again fails here.
TEST(Cli, CommittedComparisonTablesAreTheCombineOfTheCommittedEnergyFiles) {
  const fs::path root = SourceDir();
  struct Table {
    std::string files, stem;
  };
  const std::vector<Table> tables = {
      {"testdata/ppa/energy_bit-parallel_ff.json,testdata/ppa/energy_bit-parallel_latch.json,"
       "testdata/ppa/energy_bit-serial_ff.json,testdata/ppa/energy_bit-serial_latch.json",
       "testdata/ppa/ppa_table"},
      {"testdata/ppa/energy_bit-serial_latch_uniform12.json,testdata/ppa/energy_bit-serial_ff_uniform12.json",
       "testdata/ppa/ppa_table_uniform12"},
      {"testdata/ppa/energy_bit-serial_latch_uniform12_widest.json,"
       "testdata/ppa/energy_bit-serial_ff_uniform12_widest.json",
       "testdata/ppa/ppa_table_uniform12_widest"}};
  for (const Table& t : tables) {
    Scratch s;
    const CliRun r = Flexcim(fmt::format("energy --combine {} --out {}", t.files, (s.path() / "t.json").string()), root);
    ASSERT_EQ(r.code, 0) << t.stem << ": " << r.err;
    EXPECT_EQ(Slurp(s.path() / "t.md"), Slurp(root / (t.stem + ".md"))) << t.stem;
    EXPECT_EQ(Slurp(s.path() / "t.json"), Slurp(root / (t.stem + ".json"))) << t.stem;
  }
}

TEST(Cli, BadFlagsNameTheFlagAndValue) {
  struct Case {
    std::string args, err;
  };
  const std::vector<Case> cases = {
      {"gen --rows 24 --out x", "flexcim gen: error: --rows 24: must be a power of two in [2, 256]\n"},
      {"gen --sel-group 32 --out x", "flexcim gen: error: --sel-group 32: must be a power of two in [1, 16]\n"},
      {"gen --mac serial --out x",
       "flexcim gen: error: --mac serial: must be one of bit-parallel, bit-serial\n"},
      {"verify --mac bit-parallel-ish", "flexcim verify: error: --mac bit-parallel-ish: must be one of bit-parallel, bit-serial\n"},
      {"gen --storage sram --out x", "flexcim gen: error: --storage sram: must be one of ff, latch\n"},
      {"verify --storage flop", "flexcim verify: error: --storage flop: must be one of ff, latch\n"},
      {"perf --shape x --nm 1:2 --storage latches", "flexcim perf: error: --storage latches: must be one of ff, latch\n"},
      {"gen --out x --bogus", "flexcim gen: error: unrecognised option '--bogus' (see 'flexcim gen --help')\n"},
      {"gen --rows many --out x",
       "flexcim gen: error: the argument ('many') for option '--rows' is invalid (see 'flexcim gen --help')\n"},
      {"verify --vectors 0", "flexcim verify: error: --vectors 0: must be >= 1\n"},
      {"verify --stimulus /nonexistent/s.txt", "flexcim verify: error: --stimulus /nonexistent/s.txt: no such file\n"},
      {"map --pruned x.flexcim --out y --tokens 0", "flexcim map: error: --tokens 0: must be in [1, 4294967296]\n"},
      {"bench --only golden,warp",
       "flexcim bench: error: --only golden,warp: 'warp' must be one of golden, verilator, gen, forward, stories15m, prune, on-macro, synth, hf-load, recurrent\n"},
      {"report --run /nonexistent/run", "flexcim report: error: --run /nonexistent/run: not a directory\n"},
      {"verify --accel --block 3", "flexcim verify: error: --block 3: only with --pruned\n"},
      {"verify --accel --block -2 --pruned x", "flexcim verify: error: --block -2: must be >= 0\n"},
      {"verify --accel --pruned x --layer 0.wq --block 3",
       "flexcim verify: error: --pruned: give the layer with --layer (e.g. 0.wq) or a whole block with --block "
       "(e.g. 3)\n"},
      {"synth --macros 4 --out x", "flexcim synth: error: --macros: only with --accel\n"},
      {"synth --accel --jobs 2 --out x",
       "flexcim synth: error: --accel: --jobs does not apply to the accelerator's area and clock report\n"},
      {"synth --accel --macro-area-um2 0 --out x", "flexcim synth: error: --macro-area-um2 0: must be > 0\n"},
      {"synth --accel --arch flexcim,dense --out x",
       "flexcim synth: error: --arch flexcim,dense: --accel takes one architecture\n"},
  };
  for (const Case& c : cases) {
    const CliRun r = Flexcim(c.args);
    EXPECT_EQ(r.code, 2) << c.args;
    EXPECT_EQ(r.err, c.err) << c.args;
  }
}

TEST(Cli, SynthActivityFromNeedsVerifyJson) {
  Scratch s;
  const CliRun missing = Flexcim(fmt::format("synth --activity-from {} --out {}", (s.path() / "none.json").string(),
                                             (s.path() / "r").string()));
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err, fmt::format("flexcim synth: error: --activity-from {}: cannot open: No such file or directory\n",
                                     (s.path() / "none.json").string()));
  std::ofstream(s.path() / "v.json") << "{\"vectors\": 3}";
  const CliRun nokey = Flexcim(fmt::format("synth --activity-from {} --out {}", (s.path() / "v.json").string(),
                                           (s.path() / "r").string()));
  EXPECT_EQ(nokey.code, 1);  // bad content: a runtime error naming the file
  EXPECT_EQ(nokey.err, fmt::format("flexcim synth: error: --activity-from {}: no input_toggle_rates object "
                                   "(write it with `flexcim verify --json`)\n",
                                   (s.path() / "v.json").string()));
  EXPECT_FALSE(fs::exists(s.path() / "r"));
}

TEST(Cli, SynthActivityVcdNeedsAClock) {
  Scratch s;
  std::ofstream(s.path() / "t.vcd") << "$scope module top $end\n$var wire 1 # x $end\n$enddefinitions $end\n";
  const CliRun r = Flexcim(fmt::format("synth --activity-vcd {} --out {}", (s.path() / "t.vcd").string(),
                                       (s.path() / "r").string()));
  EXPECT_EQ(r.code, 1);  // the file's content, not the flag, is wrong
  EXPECT_NE(r.err.find(fmt::format("flexcim synth: error: {}: VCD has no 1-bit 'clk' in the top "
                                   "module\n",
                                   (s.path() / "t.vcd").string())),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(s.path() / "r"));
}

TEST(Cli, GenIsDeterministicAndLeavesNothingOnFailure) {
  Scratch s;
  const fs::path a = s.path() / "a", b = s.path() / "b";
  ASSERT_EQ(Flexcim(fmt::format("gen --subs 2 --rows 4 --cols 4 --out {}", a.string())).code, 0);
  ASSERT_EQ(Flexcim(fmt::format("gen --subs 2 --rows 4 --cols 4 --out {}", b.string())).code, 0);
  int files = 0;
  for (const auto& e : fs::directory_iterator(a)) {
    EXPECT_EQ(Slurp(e.path()), Slurp(b / e.path().filename())) << e.path();
    ++files;
  }
  std::ifstream manifest(a / "manifest.json");
  EXPECT_EQ(files, static_cast<int>(nlohmann::json::parse(manifest)["files"].size()) + 2);  // + manifest, marker
  // A path under a regular file cannot be written: one error, nothing created.
  std::ofstream(s.path() / "file") << "x";
  const CliRun r = Flexcim(fmt::format("gen --out {}", (s.path() / "file" / "rtl").string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("flexcim gen: error: cannot create output directory '" + (s.path() / "file" / "rtl").string()),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::distance(fs::directory_iterator(s.path()), fs::directory_iterator()), 3);
}

TEST(Cli, MapCountsTilesAndCyclesAndWritesAStimulus) {
  Scratch s;
  pruner::WriteContainer(SmallContainer(), s.path() / "pruned.flexcim");
  const CliRun r = Flexcim(fmt::format("map --pruned {} --out {} --tokens 10 --stimulus-layer 0.wq --stimulus-tokens 3",
                                    s.path().string(), (s.path() / "map").string()));
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream in(s.path() / "map" / "map.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  // K = 8 = R*M: one tile along K; 4 outputs / ((P/N)*C = 2): two tiles.
  // Latency 1 + log2 2 + log2 2 = 3; cycles = 2 * (P*R + Lw - 1 + 10 + 3) =
  // 38 (Lw = 3: the first vector two cycles after a tile's last row write).
  EXPECT_EQ(j["latency"], 3);
  EXPECT_EQ(j["total"]["tiles"], 2);
  EXPECT_EQ(j["total"]["cycles"], 38);
  EXPECT_EQ(j["layers"][0]["golden_equals_gemv"], true);
  EXPECT_EQ(j["stimulus"]["cycles"], 1 + 2 * (4 + 2 + 3 + 3));  // power-on reset + schedule
  EXPECT_TRUE(fs::exists(s.path() / "map" / "stimulus.txt"));

  const CliRun missing = Flexcim(fmt::format("map --pruned {} --out {} --stimulus-layer 7.wq", s.path().string(),
                                          (s.path() / "map2").string()));
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err, "flexcim map: error: --stimulus-layer 7.wq: no such layer (use block.name, e.g. 0.wq)\n");
  EXPECT_FALSE(fs::exists(s.path() / "map2"));
}

// --flexcim-run-as: a 1:2 layer (each output keeps one element of every
// input pair; P = 2, R = 2, C = 2, G = 2) is also a 2:4 layer. As 1:2 a tile
// holds R*M = 4 inputs x (P/N)*C = 4 outputs, as 2:4 8 inputs x 2 outputs:
// 2 tiles either way, so fewest-tiles takes the larger N, like widest; the
// cycles are the same, the programming differs, both are bit-exact.
TEST(Cli, MapRunsALayerAsAnEquivalentPattern) {
  Scratch s;
  pruner::PrunedContainer c = SmallContainer();
  c.config = MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 8, .w_bits = 8});
  pruner::PrunedLayer& wq = c.layers[0];
  wq.pattern = {1, 2};
  for (int o = 0; o < 4; ++o) {
    for (int i = 0; i < 8; ++i) {
      const bool keep = i % 2 == o % 2;
      wq.mask[o * 8 + i] = keep ? 1 : 0;
      wq.weights[o * 8 + i] = keep ? static_cast<int16_t>(7 * o - 3 * i) : 0;
    }
  }
  pruner::WriteContainer(c, s.path() / "pruned.flexcim");
  std::vector<nlohmann::json> maps;
  for (const char* policy : {"pruned", "fewest-tiles", "widest"}) {
    const fs::path out = s.path() / policy;
    const CliRun r = Flexcim(fmt::format("map --pruned {} --out {} --tokens 10 --flexcim-run-as {} --stimulus-layer 0.wq "
                                         "--stimulus-tokens 3",
                                         s.path().string(), out.string(), policy));
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(Slurp(out / "map.md").find(fmt::format("FlexCiM runs each layer as: {}.", policy)), std::string::npos);
    maps.push_back(ReadJsonFile(out / "map.json"));
    EXPECT_EQ(maps.back()["flexcim_run_as"], policy);
    EXPECT_EQ(maps.back()["layers"][0]["pattern"], "1:2");
    EXPECT_EQ(maps.back()["layers"][0]["golden_equals_gemv"], true);
    EXPECT_EQ(maps.back()["total"]["tiles"], 2);
    EXPECT_EQ(maps.back()["total"]["cycles"], 38);
    EXPECT_EQ(maps.back()["stimulus"]["cycles"], 1 + 2 * (4 + 2 + 3 + 3));
  }
  EXPECT_EQ(maps[0]["layers"][0]["hardware_pattern"], "1:2");
  EXPECT_EQ(maps[0]["layers"][0]["k_tiles"], 2);
  EXPECT_EQ(maps[1]["layers"][0]["hardware_pattern"], "2:4");
  EXPECT_EQ(maps[1]["layers"][0]["o_tiles"], 2);
  EXPECT_EQ(maps[2]["layers"][0]["hardware_pattern"], "2:4");
  EXPECT_NE(Slurp(s.path() / "pruned" / "stimulus.txt"), Slurp(s.path() / "widest" / "stimulus.txt"));
  EXPECT_EQ(Slurp(s.path() / "fewest-tiles" / "stimulus.txt"), Slurp(s.path() / "widest" / "stimulus.txt"));

  const CliRun bad = Flexcim(fmt::format("map --pruned {} --out {} --flexcim-run-as fastest", s.path().string(),
                                         (s.path() / "bad").string()));
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err, "flexcim map: error: --flexcim-run-as fastest: must be one of pruned, fewest-tiles, widest\n");
  EXPECT_FALSE(fs::exists(s.path() / "bad"));
}

// --sel-group / --subs map a container onto another macro: a mask legal at
// G = 2 (both columns keep inputs 0, 1 of every 4) stays legal at G = 1; a
// larger G, a P that cannot run the layer's 2:4 and an unknown --layers
// name are refused, nothing written. --layers keeps only the named layers.
TEST(Cli, MapRetargetsTheContainerToASmallerSelectGroupAndSelectedLayers) {
  Scratch s;
  pruner::PrunedContainer g2 = SmallContainer();
  g2.config = MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 2, .a_bits = 8, .w_bits = 8});
  pruner::PrunedLayer& wq = g2.layers[0];
  for (int o = 0; o < 4; ++o) {
    for (int i = 0; i < 8; ++i) {
      const bool keep = i % 4 < 2;
      wq.mask[o * 8 + i] = keep ? 1 : 0;
      wq.weights[o * 8 + i] = keep ? static_cast<int16_t>(10 * o - i) : 0;
    }
  }
  pruner::PrunedLayer wk = wq;
  wk.name = "wk";
  g2.layers.push_back(wk);
  pruner::WriteContainer(g2, s.path() / "pruned.flexcim");
  const fs::path out = s.path() / "map";
  const CliRun r = Flexcim(fmt::format("map --pruned {} --out {} --tokens 10 --sel-group 1 --layers 0.wk",
                                    s.path().string(), out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream in(out / "map.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["config"], "p2_r2_c2_g1_a8_w8");
  ASSERT_EQ(j["layers"].size(), 1u);
  EXPECT_EQ(j["layers"][0]["layer"], "0.wk");
  EXPECT_EQ(j["total"]["tiles"], 2);
  EXPECT_EQ(j["total"]["cycles"], 38);

  const std::string prefix = fmt::format("map --pruned {} --out {} ", s.path().string(), (s.path() / "bad").string());
  const CliRun larger = Flexcim(prefix + "--sel-group 4");
  EXPECT_EQ(larger.code, 2);
  EXPECT_EQ(larger.err, "flexcim map: error: --sel-group 4: must be a power of two dividing the container's G = 2\n");
  const CliRun unknown = Flexcim(prefix + "--layers 0.wq,9.wq");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_EQ(unknown.err, "flexcim map: error: --layers 9.wq: no such layer (use block.name, e.g. 0.wq)\n");
  const CliRun p1 = Flexcim(prefix + "--subs 1 --sel-group 1 --layers 0.wq");
  EXPECT_EQ(p1.code, 1);
  EXPECT_NE(p1.err.find("layer 0.wq: pattern 2:4: macro p1_r2_c2_g1_a8_w8 cannot run it"), std::string::npos) << p1.err;
  EXPECT_FALSE(fs::exists(s.path() / "bad"));
}

// One stimulus per design of --arch x --stimulus-mac, each of the same layer
// and tokens, with exact counts (P=2 R=2 C=2 G=1 A=W=8; the 4 x 8 2:4 layer
// keeps both of some input pairs, so the fixed 1:2 macro runs it in dense
// mode like the dense macro: 4 tiles of 4 inputs x 2 outputs; FlexCiM 2).
// Per tile: 4 row writes + Lw - 1 = 2 + (3 - 1) x II + 1 + L; bit-parallel
// L = 3, II = 1; bit-serial L = 3 + A + 1 = 12, II = 8, and for the
// baselines one more (their column sums, 8 + log2 4 = 10 bits, are wider
// than BaselineConfig::kSerialCarryChainBits: carry_split_stages() = 1).
// Plus one reset edge.
TEST(Cli, MapWritesAStimulusPerArchitectureAndCellStyle) {
  Scratch s;
  pruner::WriteContainer(SmallContainer(), s.path() / "pruned.flexcim");
  const CliRun r = Flexcim(fmt::format("map --pruned {} --out {} --arch flexcim,dense,sparse12 --stimulus-layer 0.wq "
                                       "--stimulus-tokens 3 --stimulus-mac bit-parallel,bit-serial",
                                       s.path().string(), (s.path() / "map").string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = ReadJsonFile(s.path() / "map" / "map.json");
  std::vector<std::string> got;
  for (const auto& st : j["stimuli"]) {
    got.push_back(fmt::format("{} {} {} writes {} vectors {} cycles", st["design"].get<std::string>(),
                              st["file"].get<std::string>(), st["writes"].get<int>(), st["vectors"].get<int>(),
                              st["cycles"].get<int>()));
    EXPECT_TRUE(fs::exists(s.path() / "map" / st["file"].get<std::string>())) << st;
  }
  EXPECT_EQ(got, (std::vector<std::string>{
                     "p2_r2_c2_g1_a8_w8 stimulus.txt 8 writes 6 vectors 25 cycles",
                     "dense_p2_r2_c2_a8_w8 stimulus_dense_p2_r2_c2_a8_w8.txt 16 writes 12 vectors 49 cycles",
                     "sparse12_p2_r2_c2_a8_w8 stimulus_sparse12_p2_r2_c2_a8_w8.txt 16 writes 12 vectors 49 cycles",
                     "p2_r2_c2_g1_a8_w8_bs stimulus_p2_r2_c2_g1_a8_w8_bs.txt 8 writes 6 vectors 71 cycles",
                     "dense_p2_r2_c2_a8_w8_bs stimulus_dense_p2_r2_c2_a8_w8_bs.txt 16 writes 12 vectors 145 cycles",
                     "sparse12_p2_r2_c2_a8_w8_bs stimulus_sparse12_p2_r2_c2_a8_w8_bs.txt 16 writes 12 vectors 145 "
                     "cycles"}));
  EXPECT_EQ(j["stimulus"]["file"], "stimulus.txt");

  const CliRun bad = Flexcim(fmt::format("map --pruned {} --out {} --stimulus-layer 0.wq --stimulus-mac nibble",
                                         s.path().string(), (s.path() / "map2").string()));
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err, "flexcim map: error: --stimulus-mac nibble: must be one of bit-parallel, bit-serial\n");
  const CliRun alone = Flexcim(fmt::format("map --pruned {} --out {} --stimulus-storage latch", s.path().string(),
                                           (s.path() / "map2").string()));
  EXPECT_EQ(alone.code, 2);
  EXPECT_EQ(alone.err, "flexcim map: error: --stimulus-storage: needs --stimulus-layer\n");
  EXPECT_FALSE(fs::exists(s.path() / "map2"));
}

TEST(Cli, MapRejectsCorruptAndFreeMaskContainers) {
  Scratch s;
  const fs::path file = s.path() / "pruned.flexcim";
  pruner::WriteContainer(SmallContainer(), file);
  std::string bytes = Slurp(file);
  bytes[bytes.size() - 40] ^= 1;  // a payload byte
  std::ofstream(file, std::ios::binary) << bytes;
  const CliRun corrupt = Flexcim(fmt::format("map --pruned {} --out {}", file.string(), (s.path() / "m").string()));
  EXPECT_EQ(corrupt.code, 1);
  EXPECT_EQ(corrupt.err, fmt::format("flexcim map: error: {}: checksum mismatch (file corrupt)\n", file.string()));

  pruner::PrunedContainer free_masks = SmallContainer();
  free_masks.hardware_legal = false;
  pruner::WriteContainer(free_masks, file);
  const CliRun r = Flexcim(fmt::format("map --pruned {} --out {}", file.string(), (s.path() / "m").string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, fmt::format("flexcim map: error: --pruned {}: its masks were made without the macro's select "
                               "groups (--free-masks); prune again with hardware-legal masks to map it\n",
                               file.string()));
  EXPECT_FALSE(fs::exists(s.path() / "m"));
}

// flexcim verify checks its inputs before building anything: a bad stimulus
// is a stimulus error (exit 1), never a MISMATCH (exit 3), and no work
// directory is created.
TEST(Cli, VerifyRejectsBadStimulusBeforeBuilding) {
  Scratch s;
  const fs::path stim = s.path() / "s.txt", work = s.path() / "work";
  const std::string cfg = "--subs 2 --rows 2 --cols 1 --sel-group 1 --a-bits 4 --w-bits 4";
  std::ofstream(stim) << "flexcim-stimulus 1\nconfig p2_r2_c1_g1_a4_w4\ncycles 1\n1 0 0 0 1 2 | 0 | 0 | 0 | 0 0 0 0 0 0 0 0\n";
  CliRun r = Flexcim(fmt::format("verify {} --stimulus {} --work {}", cfg, stim.string(), work.string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim verify: error: {}:4: edge 0: in_nlog2 = 2 on a valid vector: must be in "
                               "0..log2 P = 1\n",
                               stim.string()));
  std::ofstream(stim) << "flexcim-stimulus 1\nconfig p4_r16_c16_g16_a8_w8\ncycles 0\n";
  r = Flexcim(fmt::format("verify {} --stimulus {} --work {}", cfg, stim.string(), work.string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim verify: error: {}:2: stimulus is for p4_r16_c16_g16_a8_w8, the design is "
                               "p2_r2_c1_g1_a4_w4\n",
                               stim.string()));
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(fs::exists(work));
}

TEST(Cli, VerifyFlagErrors) {
  Scratch s;
  CliRun r = Flexcim("verify --trace wave.txt");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "flexcim verify: error: --trace wave.txt: the file name must end in .vcd or .fst\n");
  r = Flexcim(fmt::format("verify --rtl {} --rows 4", s.path().string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, fmt::format("flexcim verify: error: --rtl {}: the architecture and configuration come from its "
                               "manifest.json; do not also give --arch or macro flags\n",
                               s.path().string()));
  r = Flexcim("verify --arch mesh");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "flexcim verify: error: --arch mesh: must be one of flexcim, dense, sparse12\n");
  r = Flexcim(fmt::format("verify --rtl {}", s.path().string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim verify: error: {}/manifest.json: cannot open: No such file or directory\n",
                               s.path().string()));
  ASSERT_EQ(Flexcim(fmt::format("gen --arch dense --subs 2 --rows 2 --cols 2 --out {}", (s.path() / "d").string())).code, 0);
  r = Flexcim(fmt::format("verify --rtl {} --arch dense", (s.path() / "d").string()));
  EXPECT_EQ(r.code, 2);
  r = Flexcim(fmt::format("verify --rtl {} --storage latch", (s.path() / "d").string()));
  EXPECT_EQ(r.code, 2) << r.err;
  // A baseline design is verified against its own golden model; a stimulus
  // for another design is refused before anything is built.
  std::ofstream(s.path() / "flexcim.stim") << "flexcim-stimulus 1\nconfig p2_r2_c2_g2_a8_w8\ncycles 0\n";
  r = Flexcim(fmt::format("verify --rtl {} --stimulus {}", (s.path() / "d").string(), (s.path() / "flexcim.stim").string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim verify: error: {}:2: stimulus is for p2_r2_c2_g2_a8_w8, the design is "
                               "dense_p2_r2_c2_a8_w8\n",
                               (s.path() / "flexcim.stim").string()));
  r = Flexcim("verify --help");
  EXPECT_NE(r.out.find("Exit codes: 0 every output matched the golden model; 3 MISMATCH"), std::string::npos) << r.out;
}

// synth and sweep take comma lists of cell styles and storage kinds (one
// design per value); a value outside the set is a usage error listing the
// set, and nothing is written.
TEST(Cli, StyleListsNameTheFlagAndTheSet) {
  Scratch s;
  const std::string out = (s.path() / "r").string();
  struct Case {
    std::string args, err;
  };
  const std::vector<Case> cases = {
      {"synth --mac bit-parallel,nibble --out " + out,
       "flexcim synth: error: --mac nibble: must be one of bit-parallel, bit-serial\n"},
      {"synth --mac bit-serial,bit-serial --out " + out,
       "flexcim synth: error: --mac bit-serial,bit-serial: 'bit-serial' given twice\n"},
      {"synth --mac , --out " + out, "flexcim synth: error: --mac: give at least one value\n"},
      {"synth --storage ff,sram --out " + out, "flexcim synth: error: --storage sram: must be one of ff, latch\n"},
      {"synth --storage latch,latch --out " + out,
       "flexcim synth: error: --storage latch,latch: 'latch' given twice\n"},
      {"synth --arch flexcim,flexcim --out " + out,
       "flexcim synth: error: --arch flexcim,flexcim: 'flexcim' given twice\n"},
      {"gen --mac bit-parallel,bit-serial --out " + out,
       "flexcim gen: error: --mac bit-parallel,bit-serial: must be one of bit-parallel, bit-serial\n"},
      {"sweep --mac bit-serial,serial --out " + out,
       "flexcim sweep: error: --mac serial: must be one of bit-parallel, bit-serial\n"},
      {"sweep --storage ff,sram --out " + out, "flexcim sweep: error: --storage sram: must be one of ff, latch\n"},
      {"sweep --subs 2,2 --out " + out, "flexcim sweep: error: --subs 2,2: '2' given twice\n"},
  };
  for (const Case& c : cases) {
    const CliRun r = Flexcim(c.args);
    EXPECT_EQ(r.code, 2) << c.args;
    EXPECT_EQ(r.err, c.err) << c.args;
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_NE(Flexcim("synth --help").out.find("cell styles, comma-separated, one"), std::string::npos);
}

// Variants measured one at a time become one comparison: --combine reads
// the runs' report.json files and writes one report (no synthesis).
synth::PpaResult CombineResult(const std::string& arch, const std::string& mac, double total_um2) {
  synth::PpaResult r;
  r.arch = arch;
  r.mac = mac;
  r.name = "p2_r2_c2_g2_a4_w4";  // as the flow names it: the six parameters, the style in mac/storage
  r.params = {{"P", 2}, {"R", 2}, {"C", 2}, {"G", 2}, {"A", 4}, {"W", 4}};
  r.cells = 8;
  r.initiation_interval = mac == "bit-serial" ? 4 : 1;
  r.macs_per_cycle = 8.0 / r.initiation_interval;
  for (const auto& c : synth::ComponentOrder()) r.area.components[c] = 0;
  r.area.components[synth::kDistribution] = arch == "flexcim" ? 40 : 0;
  r.area.components[synth::kMultipliers] = total_um2 - r.area.components[synth::kDistribution];
  r.area.total_area = total_um2;
  r.check_passed = true;
  return r;
}

TEST(Cli, SynthCombinesReportsOfEarlierRuns) {
  Scratch s;
  const fs::path a = s.path() / "a", b = s.path() / "b", out = s.path() / "all";
  synth::WriteReport({CombineResult("flexcim", "bit-parallel", 1000), CombineResult("sparse12", "bit-parallel", 960)},
                     a);
  synth::WriteReport({CombineResult("flexcim", "bit-serial", 500), CombineResult("sparse12", "bit-serial", 400)}, b);
  const std::string ra = (a / "report.json").string(), rb = (b / "report.json").string();
  CliRun r = Flexcim(fmt::format("synth --combine {},{} --out {}", ra, rb, out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("| flexcim | bit-serial | ff | 0.001 | 62.5 |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| bit-parallel | ff | 4.17% | +4.17% | - | area met, energy - |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| bit-serial | ff | 10.00% | +25.00% | - | area not met, energy - |"), std::string::npos)
      << r.out;
  std::ifstream in(out / "report.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["results"].size(), 4u);
  EXPECT_EQ(j["comparison"].size(), 4u);
  EXPECT_EQ(j["overheads"].size(), 2u);
  EXPECT_TRUE(fs::exists(out / "report.svg"));
  EXPECT_TRUE(fs::exists(out / "report.md"));

  const fs::path none = s.path() / "none";
  struct Case {
    std::string args, err;
    int code;  // 2 usage (flags, a missing file), 1 bad content
  };
  const std::vector<Case> cases = {
      {fmt::format("synth --combine {} --mac bit-serial --out {}", ra, none.string()),
       "flexcim synth: error: --combine: it reads finished reports; do not also give --mac\n", 2},
      {fmt::format("synth --combine {},{} --out {}", ra, ra, none.string()),
       fmt::format("flexcim synth: error: --combine {0},{0}: '{0}' given twice\n", ra), 2},
      {fmt::format("synth --combine {},{} --out {}", ra, (a / "report.md").string(), none.string()),
       fmt::format("flexcim synth: error: --combine {}: not valid JSON: ", (a / "report.md").string()), 1},
      {fmt::format("synth --combine {},{} --out {}", ra, ra + "x", none.string()),
       fmt::format("flexcim synth: error: --combine {}x: cannot open: No such file or directory\n", ra), 2},
  };
  for (const Case& c : cases) {
    r = Flexcim(c.args);
    EXPECT_EQ(r.code, c.code) << c.args;
    EXPECT_EQ(r.err.rfind(c.err, 0), 0u) << c.args << "\n" << r.err;
  }
  // The same design in two reports.
  synth::WriteReport({CombineResult("flexcim", "bit-parallel", 1000)}, s.path() / "again");
  r = Flexcim(fmt::format("synth --combine {},{} --out {}", ra, (s.path() / "again" / "report.json").string(),
                          none.string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim synth: error: --combine: flexcim p2_r2_c2_g2_a4_w4 (bit-parallel, ff) is in both {} and {}\n", ra,
                               (s.path() / "again" / "report.json").string()));
  EXPECT_FALSE(fs::exists(none));
}

TEST(Cli, SweepExecutorFlags) {
  CliRun r = Flexcim("sweep --executor pbs");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "flexcim sweep: error: --executor pbs: must be local or slurm\n");
  r = Flexcim("sweep --detach");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "flexcim sweep: error: --detach: only with --executor slurm\n");
  r = Flexcim("sweep --executor slurm --points-per-task 0");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "flexcim sweep: error: --points-per-task 0: must be >= 1\n");
  Scratch s;
  r = Flexcim(fmt::format("sweep --collect {}", s.path().string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim sweep: error: {0}/sweep_manifest.json: no sweep manifest (is {0} on a "
                               "filesystem this node shares with the submitting host?)\n",
                               s.path().string()));
  r = Flexcim("sweep-point --manifest x.json");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "flexcim sweep-point: error: --task: give it, or run inside a Slurm array task "
                   "(SLURM_ARRAY_TASK_ID)\n");
  EXPECT_EQ(Flexcim("--help").out.find("sweep-point"), std::string::npos);  // hidden
}

}  // namespace
}  // namespace flexcim
