// flexcim perf --schedule: the accelerator's shared-weight-port schedules
// (docs/ACCEL.md "Schedules") on a hand-computed model, and the bad value.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/tests/cli_run.h"

namespace flexcim {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::Flexcim;
using testing::Scratch;

// One block, dim 8, hidden 16, 2 heads, 2 kv heads at 2:4 on P=2 R=2 C=2
// A=4 W=4 (load 4 cycles, Lw - 1 = 2 cycles after the last row, L = 3): a
// tile covers R*M = 8 inputs and (P/N)*C = 2 outputs, so wq, wk, wv, wo have
// 4 tiles, w1, w3, w2 8 (40 in all, streamed on Q = 2). Prefill T = 3 (run
// 2 + T + L = 8 cycles a tile after its last row):
// - parallel ports: ceil(tiles/2) x (4 + 8): 4 x 24 + 3 x 48 = 240;
// - serial: rounds of 2 x 4 loads + 8: 4 x 32 + 3 x 64 = 320;
// - overlapped: tile j starts at max(port free, macro free): starts 0, 4,
//   12, 16 (4 tiles, done 28) and 0, 4, 12, 16, 24, 28, 36, 40 (8 tiles,
//   done 52): 4 x 28 + 3 x 52 = 268.
// Decode (run 2 + 1 + 3 = 6): parallel 4 x 20 + 3 x 40 = 200; serial 4 x 28
// + 3 x 56 = 280; overlapped starts 0, 4, 10, 14 (done 24) and ..., 34
// (done 44): 4 x 24 + 3 x 44 = 228.
TEST(PerfSchedule, HandComputedCyclesOfEachSchedule) {
  Scratch s;
  const fs::path shape = s.path() / "shape.json";
  std::ofstream(shape) << R"({"blocks": 1, "dim": 8, "hidden": 16, "heads": 2, "kv_heads": 2})";
  const struct {
    const char* schedule;
    int64_t decode, prefill;
  } cases[] = {{"parallel-ports", 200, 240}, {"serial", 280, 320}, {"overlapped", 228, 268}};
  for (const auto& c : cases) {
    const fs::path json = s.path() / fmt::format("{}.json", c.schedule);
    const CliRun r = Flexcim(fmt::format(
        "perf --shape {} --nm 2:4 --macros 2 --tokens 3 --arch flexcim --subs 2 --rows 2 --cols 2 --a-bits 4 "
        "--w-bits 4 --schedule {} --json {}",
        shape.string(), c.schedule, json.string()));
    ASSERT_EQ(r.code, 0) << r.err;
    std::ifstream in(json);
    const nlohmann::json j = nlohmann::json::parse(in);
    EXPECT_EQ(j["flexcim"]["tiles"], 40);
    EXPECT_EQ(j["flexcim"]["schedule"], c.schedule);
    EXPECT_EQ(j["flexcim"]["decode_cycles"], c.decode) << c.schedule;
    EXPECT_EQ(j["flexcim"]["prefill_cycles"], c.prefill) << c.schedule;
  }
}

TEST(PerfSchedule, BadValueListsTheSet) {
  const CliRun r = Flexcim("perf --shape stories260k --nm 2:4 --schedule fast");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "flexcim perf: error: --schedule fast: must be one of serial, overlapped, parallel-ports\n");
}

}  // namespace
}  // namespace flexcim
