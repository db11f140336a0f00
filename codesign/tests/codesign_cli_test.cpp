// flexcim codesign through the binary on stories260K (seconds): bad input
// exits 2 naming the value; every chosen point's prune output gives the
// same held-out perplexity under `eval --pruned` and the same cycles, time
// and energy under `perf --pruned` as codesign.json says.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "cli/tests/cli_run.h"

namespace flexcim {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::Flexcim;
using testing::Scratch;
using testing::SourceDir;

nlohmann::json ReadJson(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

TEST(CodesignCli, BudgetBelowOneOrNotANumberIsAUsageErrorNamingIt) {
  Scratch s;
  CliRun r = Flexcim(fmt::format("codesign --budgets 1.1,0.9 --out {}", (s.path() / "o").string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "flexcim codesign: error: --budgets 0.9: must be >= 1.0 (a perplexity budget relative to the dense "
                   "W8A8 model)\n");
  r = Flexcim(fmt::format("codesign --budgets 1.25,x2 --out {}", (s.path() / "o").string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "flexcim codesign: error: --budgets x2: not a number (budgets are perplexity / dense W8A8, e.g. 1.25)\n");
  EXPECT_FALSE(fs::exists(s.path() / "o"));
}

// A rescore without energy files is a usage error; a sweep over a run that
// does not exist fails naming the file; neither writes its --out.
TEST(CodesignCli, RescoreWithoutEnergiesAndSweepOfAMissingRunAreRefused) {
  Scratch s;
  const fs::path missing = s.path() / "none/codesign.json";
  CliRun r = Flexcim(fmt::format("codesign --rescore {} --out {}", missing.string(), (s.path() / "o").string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "flexcim codesign: error: --rescore: give the --energy files to report the run with\n");
  r = Flexcim(fmt::format("codesign-sweep --runs {} --budget 1.25 --out {}", missing.string(),
                          (s.path() / "o").string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim codesign-sweep: error: {}: cannot open: No such file or directory\n",
                               missing.string()));
  EXPECT_FALSE(fs::exists(s.path() / "o"));
}

TEST(CodesignCli, OverlappingValidationAndHeldOutSlicesAreRefused) {
  Scratch s;
  const CliRun r = Flexcim(fmt::format("codesign --validation-blocks 3290:3310 --heldout-blocks 3300:3399 --out {}",
                                       (s.path() / "o").string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "flexcim codesign: error: --validation-blocks 3290:3310 overlaps --heldout-blocks 3300:3399: "
                   "calibration, validation and held-out text must be disjoint\n");
  EXPECT_FALSE(fs::exists(s.path() / "o"));
}

TEST(CodesignCli, AMalformedSliceNamesItsFlag) {
  Scratch s;
  for (const char* flag : {"--calib-blocks", "--validation-blocks", "--heldout-blocks"}) {
    const CliRun r = Flexcim(fmt::format("codesign {} 5:x --out {}", flag, (s.path() / "o").string()));
    EXPECT_EQ(r.code, 2) << flag;
    EXPECT_EQ(r.err, fmt::format("flexcim codesign: error: {} '5:x': must be A:B with integers 0 <= A <= B < 4300 "
                                 "(inclusive, e.g. 3300:4299)\n",
                                 flag));
    EXPECT_FALSE(fs::exists(s.path() / "o"));
  }
}

// A small run: FlexCiM G = 16, fixed 1:2 and dense on one macro each
// (stories260K's 64-wide layers fill 16 macros in one round whatever the
// pattern), two budgets; each chosen point re-run through eval and perf.
TEST(CodesignCli, EveryChosenPointReproducesUnderEvalAndPerf) {
  Scratch s;
  const fs::path out = s.path() / "cd";
  const fs::path energy = SourceDir() / "testdata/codesign/energy_g16_bit-parallel_ff.json";
  const CliRun r = Flexcim(fmt::format(
      "codesign --budgets 1.5,4 --groups 16 --macros 1 --calib-blocks 0:7 --validation-blocks 3000:3007 "
      "--heldout-blocks 3300:3309 --threads 2 --quiet --energy {} --out {}",
      energy.string(), out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("### bit-parallel/ff cells, equal area"), std::string::npos) << r.out;
  const nlohmann::json cd = ReadJson(out / "codesign.json");
  EXPECT_TRUE(fs::exists(out / "codesign_bit-parallel_ff.svg"));
  // 2 budgets x (equal cells: 3 archs + equal area against G = 16: 3 archs).
  ASSERT_EQ(cd["choices"].size(), 12u);
  int sparsified = 0;
  for (const nlohmann::json& c : cd["choices"]) {
    ASSERT_TRUE(c["reachable"].get<bool>()) << c.dump();
    EXPECT_LE(c["validation_ratio"].get<double>(), c["budget"].get<double>());
    if (c["arch"] == "dense") {
      EXPECT_EQ(c["patterns"], "2:2,2:2,2:2,2:2,2:2");
    }
    sparsified += c["sparsified"].get<bool>();
  }
  EXPECT_GT(sparsified, 0) << "a budget of 4x dense sparsifies some block";
  std::set<std::string> checked;
  for (const nlohmann::json& c : cd["choices"]) {
    const std::string key = c["prune_dir"].get<std::string>() + c["arch"].get<std::string>() +
                            std::to_string(c["macros"].get<int>());
    if (!checked.insert(key).second) continue;
    const fs::path dir = c["prune_dir"].get<std::string>();
    const fs::path ej = s.path() / "eval.json", pj = s.path() / "perf.json";
    CliRun e = Flexcim(fmt::format("eval --pruned {} --blocks 3300:3309 --threads 2 --quiet --json {}", dir.string(),
                                   ej.string()));
    ASSERT_EQ(e.code, 0) << e.err;
    EXPECT_EQ(ReadJson(ej)["perplexity"].get<double>(), c["heldout_ppl"].get<double>()) << dir;
    CliRun p = Flexcim(fmt::format("perf --pruned {} --arch {} --macros {} --energy {} --json {}", dir.string(),
                                   c["arch"].get<std::string>(), c["macros"].get<int>(), energy.string(),
                                   pj.string()));
    ASSERT_EQ(p.code, 0) << p.err;
    const nlohmann::json a = ReadJson(pj)[c["arch"].get<std::string>()];
    for (const char* k : {"decode_cycles", "prefill_cycles", "decode_us", "energy_per_token_pj", "tiles", "area_um2"}) {
      EXPECT_EQ(a[k], c[k]) << k << " of " << dir;
    }
  }
}

// The design sweep's reduced grid (`make codesign-sweep` at full size):
// P = 2, 4 x G = 1, 4 x bit-parallel/ff, bit-serial/latch tiny macros (R = 8,
// C = 4) on stories260K, with the areas and energies of those designs
// (testdata/codesign/sweep_tiny: scripts/codesign_sweep.sh's flexcim sweep +
// flexcim energy). One codesign per P, then codesign-sweep at 2x dense.
TEST(CodesignCli, TinySweepNamesTheFastestAndLeastEnergyConfigurationAtEqualArea) {
  Scratch s;
  std::string energy;
  for (const auto& e : fs::directory_iterator(SourceDir() / "testdata/codesign/sweep_tiny")) {
    energy += (energy.empty() ? "" : ",") + e.path().string();
  }
  std::string runs;
  for (int P : {2, 4}) {
    const fs::path out = s.path() / fmt::format("p{}", P);
    const CliRun r = Flexcim(fmt::format(
        "codesign --budgets 2 --groups 1,4 --subs {} --rows 8 --cols 4 --styles bit-parallel/ff,bit-serial/latch "
        "--macros 4 --calib-blocks 0:7 --validation-blocks 3000:3007 --heldout-blocks 3300:3309 --threads 2 --quiet "
        "--energy {} --out {}",
        P, energy, out.string()));
    ASSERT_EQ(r.code, 0) << r.err;
    runs += (runs.empty() ? "" : ",") + (out / "codesign.json").string();
  }
  // --rescore with the same energy files reports the same choices.
  const CliRun again = Flexcim(fmt::format("codesign --rescore {} --energy {} --out {}",
                                           (s.path() / "p2/codesign.json").string(), energy,
                                           (s.path() / "p2_again").string()));
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(ReadJson(s.path() / "p2_again/codesign.json")["choices"], ReadJson(s.path() / "p2/codesign.json")["choices"]);

  CliRun bad = Flexcim(fmt::format("codesign-sweep --runs {} --budget 3 --out {}", runs, (s.path() / "x").string()));
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err, "flexcim codesign-sweep: error: --budget 3: no run has a point at this budget\n");
  bad = Flexcim(fmt::format("codesign-sweep --runs {} --budget 0.9 --out {}", runs, (s.path() / "x").string()));
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err, "flexcim codesign-sweep: error: --budget 0.9: must be >= 1.0 (a perplexity budget relative to "
                     "the dense W8A8 model)\n");

  const fs::path out = s.path() / "sweep";
  const CliRun r = Flexcim(fmt::format("codesign-sweep --runs {} --budget 2 --out {}", runs, out.string()));
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json sw = ReadJson(out / "design_sweep.json");
  // 2 P x 2 styles x (FlexCiM at G = 1, 4 + fixed 1:2 + dense), all with energies.
  const nlohmann::json& rows = sw["rows"];
  ASSERT_EQ(rows.size(), 16u) << sw["skipped"].dump();
  // The common area: 4 macros of the largest FlexCiM design; every design
  // gets round(4 x that / its area) macros.
  double largest = 0;
  for (const nlohmann::json& row : rows) {
    if (row["arch"] == "flexcim") largest = std::max(largest, row["macro_area_um2"].get<double>());
  }
  EXPECT_EQ(sw["area_um2"].get<double>(), 4 * largest);
  size_t fastest = 0, leanest = 0;
  bool first = true;
  for (size_t i = 0; i < rows.size(); ++i) {
    const nlohmann::json& row = rows[i];
    EXPECT_EQ(row["macros"].get<int>(),
              std::max(1, static_cast<int>(std::round(4 * largest / row["macro_area_um2"].get<double>()))));
    if (row["arch"] != "flexcim") continue;
    if (first || row["decode_us"].get<double>() < rows[fastest]["decode_us"].get<double>()) fastest = i;
    if (first || row["energy_per_token_pj"].get<double>() < rows[leanest]["energy_per_token_pj"].get<double>()) {
      leanest = i;
    }
    first = false;
  }
  EXPECT_EQ(sw["best_decode"].get<size_t>(), fastest);
  EXPECT_EQ(sw["best_energy"].get<size_t>(), leanest);
  EXPECT_EQ(rows[fastest]["label"], "FlexCiM P=2 G=4 bit-serial/latch");
  EXPECT_EQ(rows[leanest]["label"], "FlexCiM P=2 G=1 bit-serial/latch");
  EXPECT_NE(r.out.find("**Best decode latency at 2x, equal area: FlexCiM P=2 G=4 bit-serial/latch** (14.60 µs/token, "
                       "2.596e+07 pJ/token); **lowest energy per token: FlexCiM P=2 G=1 bit-serial/latch** (18.41 "
                       "µs/token, 2.417e+07 pJ/token)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Design target (a FlexCiM design >= 1.5x faster in decode and >= 1.3x lower energy per token "
                       "than fixed 1:2 at equal area, <= 1.25x dense): not assessed at 2x (above 1.25x)"),
            std::string::npos)
      << r.out;
  // `flexcim report` names it after the iso table when the sweep is in the run directory.
  fs::create_directories(s.path() / "run" / "codesign_sweep");
  fs::copy(out, s.path() / "run" / "codesign_sweep" / "sweep", fs::copy_options::recursive);
  const CliRun rep = Flexcim(fmt::format("report --run {} --out {}", (s.path() / "run").string(),
                                         (s.path() / "report").string()));
  ASSERT_EQ(rep.code, 0) << rep.err;
  std::ifstream report_md(s.path() / "report" / "report.md");
  const std::string md((std::istreambuf_iterator<char>(report_md)), std::istreambuf_iterator<char>());
  EXPECT_NE(md.find("**Best decode latency at 2x, equal area: FlexCiM P=2 G=4 bit-serial/latch**"), std::string::npos);
  // The named design and its fixed 1:2 reproduce under perf --pruned at their macros.
  const nlohmann::json* fixed12 = nullptr;
  for (const nlohmann::json& row : rows) {
    if (row["arch"] == "sparse12" && row["P"] == rows[fastest]["P"] && row["style"] == rows[fastest]["style"]) {
      fixed12 = &row;
    }
  }
  ASSERT_NE(fixed12, nullptr);
  EXPECT_EQ(rows[fastest]["decode_vs_fixed12"].get<double>(),
            (*fixed12)["decode_us"].get<double>() / rows[fastest]["decode_us"].get<double>());
  for (const nlohmann::json* row : {&rows[fastest], fixed12}) {
    const fs::path pj = s.path() / "perf.json";
    const std::string style = (*row)["style"].get<std::string>();
    const std::string flags = fmt::format("--subs {} --rows 8 --cols 4 --sel-group {}{}", (*row)["P"].get<int>(),
                                          (*row)["G"].is_null() ? 4 : (*row)["G"].get<int>(),
                                          style == "bit-serial/latch" ? " --mac bit-serial --storage latch" : "");
    const CliRun p = Flexcim(fmt::format("perf --pruned {} --arch {} --macros {} {} --energy {} --json {}",
                                         (*row)["prune_dir"].get<std::string>(), (*row)["arch"].get<std::string>(),
                                         (*row)["macros"].get<int>(), flags,
                                         (*row)["energy_file"].get<std::string>(), pj.string()));
    ASSERT_EQ(p.code, 0) << p.err;
    const nlohmann::json a = ReadJson(pj)[(*row)["arch"].get<std::string>()];
    EXPECT_EQ(a["decode_us"], (*row)["decode_us"]);
    EXPECT_EQ(a["energy_per_token_pj"], (*row)["energy_per_token_pj"]);
  }
}

}  // namespace
}  // namespace flexcim
