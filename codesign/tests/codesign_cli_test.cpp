// flexcim codesign through the binary on stories260K (seconds): bad input
// exits 2 naming the value; every chosen point's prune output gives the
// same held-out perplexity under `eval --pruned` and the same cycles, time
// and energy under `perf --pruned` as codesign.json says.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/tests/cli_run.h"

namespace flexcim {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::Flexcim;
using testing::Scratch;

nlohmann::json ReadJson(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

fs::path SourceDir() {
  const char* s = std::getenv("FLEXCIM_SOURCE_DIR");
  return s ? fs::path(s) : fs::path(".");
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

TEST(CodesignCli, OverlappingValidationAndHeldOutSlicesAreRefused) {
  Scratch s;
  const CliRun r = Flexcim(fmt::format("codesign --validation-blocks 3290:3310 --heldout-blocks 3300:3399 --out {}",
                                       (s.path() / "o").string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "flexcim codesign: error: --validation-blocks 3290:3310 overlaps --heldout-blocks 3300:3399: "
                   "calibration, validation and held-out text must be disjoint\n");
  EXPECT_FALSE(fs::exists(s.path() / "o"));
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

}  // namespace
}  // namespace flexcim
