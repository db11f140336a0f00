// The shared-weight-port schedules of the system model (serial and
// overlapped, docs/ACCEL.md "Schedules"): hand-computed cycle counts of
// small layers, the cycle-by-cycle simulation on random cases, the flag.
#include <gtest/gtest.h>

#include <random>

#include "core/errors.h"
#include "golden/schedule_gain.h"
#include "golden/system_model.h"

namespace flexcim::golden {
namespace {

MacroTiming Timing(int load, int latency, int ii) {
  MacroTiming t;
  t.tile_load_cycles = load;
  t.pipeline_latency = latency;
  t.initiation_interval = ii;
  return t;
}

TEST(SystemSchedule, HandComputedLayers) {
  // load 4, L 3, II 1; a tile's run (first vector to last output) is T + 3.
  const MacroTiming t = Timing(4, 3, 1);
  // 3 tiles on 2 macros, 2 tokens (run 5). Serial: round of 2 (8 + 5) + round of 1 (4 + 5).
  EXPECT_EQ(StreamedLayerCycles(t, 3, 2, 2, Schedule::kSerial), 22);
  // Overlapped: tile 0 loads 0-3, done 8; tile 1 loads 4-7, done 12; tile 2
  // (macro 0) loads from 9 (macro 0 busy until 8) to 12, done 17: 18 cycles.
  EXPECT_EQ(StreamedLayerCycles(t, 3, 2, 2, Schedule::kOverlapped), 18);
  EXPECT_EQ(StreamedLayerCycles(t, 3, 2, 2, Schedule::kParallelPorts), 18);
  // 4 tiles on 2 macros, 6 tokens (run 9): serial 2 x (8 + 9); overlapped
  // tile starts 0, 4, 13, 17, the last done at 17 + 4 + 9 = 30.
  EXPECT_EQ(StreamedLayerCycles(t, 4, 2, 6, Schedule::kSerial), 34);
  EXPECT_EQ(StreamedLayerCycles(t, 4, 2, 6, Schedule::kOverlapped), 30);
  EXPECT_EQ(StreamedLayerCycles(t, 4, 2, 6, Schedule::kParallelPorts), 26);
  // Decode (1 token, run 4): serial 2 x (8 + 4); overlapped starts 0, 4, 8, 12: 20.
  EXPECT_EQ(StreamedLayerCycles(t, 4, 2, 1, Schedule::kSerial), 24);
  EXPECT_EQ(StreamedLayerCycles(t, 4, 2, 1, Schedule::kOverlapped), 20);
  // Bit-serial II 3, 2 tokens: run (2-1)*3 + 1 + 3 = 7; one macro: all schedules 2 x (4 + 7).
  for (Schedule s : {Schedule::kSerial, Schedule::kOverlapped, Schedule::kParallelPorts}) {
    EXPECT_EQ(StreamedLayerCycles(Timing(4, 3, 3), 2, 1, 2, s), 22) << ScheduleName(s);
    EXPECT_EQ(StreamedLayerCycles(t, 0, 3, 2, s), 0) << ScheduleName(s);
  }
}

TEST(SystemSchedule, SplitsAndResidentLoadThroughOnePort) {
  const MacroTiming t = Timing(4, 3, 1);
  const PassTiming serial = ModelPass(t, {{"a", 4}}, 2, 6, WeightRegime::kStreamed, Schedule::kSerial);
  EXPECT_EQ(serial.cycles, 34);
  EXPECT_EQ(serial.split.weight_load, 16);
  EXPECT_EQ(serial.split.compute, 24);
  EXPECT_EQ(serial.split.pipeline_fill, 12);
  EXPECT_EQ(serial.split.idle, 2 * 34 - 52);
  // Resident (3 tiles <= 4 macros): the pass is the same; the initial load
  // takes 3 x 4 cycles through the one port, 4 with parallel ports.
  const SystemTiming one_port = ModelSystem(t, {{"a", 3}}, 4, 6, Schedule::kOverlapped);
  const SystemTiming ports = ModelSystem(t, {{"a", 3}}, 4, 6, Schedule::kParallelPorts);
  EXPECT_EQ(one_port.initial_load_cycles, 12);
  EXPECT_EQ(ports.initial_load_cycles, 4);
  EXPECT_EQ(one_port.prefill, ports.prefill);
  EXPECT_EQ(one_port.schedule, Schedule::kOverlapped);
}

TEST(SystemSchedule, SimulationAgreesWithTheModelOnRandomCases) {
  std::mt19937_64 rng(21);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int trial = 0; trial < 400; ++trial) {
    MacroTiming t = Timing(uniform(1, 9), uniform(1, 7), uniform(1, 4));
    t.write_latency = uniform(1, 4);
    std::vector<SystemLayer> layers;
    for (int l = uniform(1, 4); l > 0; --l) layers.push_back({"l" + std::to_string(l), uniform(0, 11)});
    const int macros = uniform(1, 6);
    const int64_t tokens = uniform(1, 12);
    for (Schedule s : {Schedule::kSerial, Schedule::kOverlapped}) {
      const PassTiming model = ModelPass(t, layers, macros, tokens, WeightRegime::kStreamed, s);
      const PassTiming simulated = SimulatePass(t, layers, macros, tokens, WeightRegime::kStreamed, s);
      ASSERT_EQ(model, simulated) << "trial " << trial << " " << ScheduleName(s) << " Lw " << t.write_latency;
      // Overlap never loses to the serial schedule.
      ASSERT_LE(model.cycles, ModelPass(t, layers, macros, tokens, WeightRegime::kStreamed, Schedule::kSerial).cycles);
    }
  }
}

TEST(SystemSchedule, FlagValues) {
  EXPECT_EQ(ParseSchedule("serial"), Schedule::kSerial);
  EXPECT_EQ(ParseSchedule("overlapped"), Schedule::kOverlapped);
  EXPECT_EQ(ParseSchedule("parallel-ports"), Schedule::kParallelPorts);
  try {
    ParseSchedule("fast");
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--schedule fast: must be one of serial, overlapped, parallel-ports");
  }
}

// The report's section (docs/ACCEL.md "What the overlap buys"): the
// figures of `flexcim perf --shape testdata/perf/stories15m-shape.json --nm
// 2:4 --macros 4 --schedule serial|overlapped`.
TEST(ScheduleGain, Stories15mShapeOnFourDefaultMacros) {
  ModelShape shape;
  shape.name = "stories15M";
  shape.blocks = 6;
  shape.dim = 288;
  shape.hidden = 768;
  shape.heads = 6;
  shape.kv_heads = 6;
  const ScheduleGainReport r =
      BuildScheduleGainReport(MacroConfig::Default(), {shape}, NmPattern::Parse("2:4", "--nm"), 4, 128);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].arch, Arch::kFlexcim);
  EXPECT_EQ(r.rows[0].decode_serial, 210852);
  EXPECT_EQ(r.rows[0].decode_overlapped, 203172);
  EXPECT_EQ(r.rows[0].prefill_serial, 313722);
  EXPECT_EQ(r.rows[0].prefill_overlapped, 208506);
  for (size_t i : {1u, 2u}) {  // dense and fixed 1:2 take the same tiles at 2:4
    EXPECT_EQ(r.rows[i].decode_serial, 421464);
    EXPECT_EQ(r.rows[i].decode_overlapped, 405924);
    EXPECT_EQ(r.rows[i].prefill_serial, 624156);
    EXPECT_EQ(r.rows[i].prefill_overlapped, 411258);
  }
  EXPECT_NE(r.markdown.find("| stories15M | flexcim | 210,852 | 203,172 | 1.04x | 313,722 | 208,506 | 1.50x |\n"),
            std::string::npos)
      << r.markdown;
  EXPECT_EQ(r.json.at("rows").at(2).at("arch"), "sparse12");
  EXPECT_EQ(r.json.at("rows").at(0).at("prefill_overlapped_cycles"), 208506);
  EXPECT_EQ(r.json.at("macros"), 4);
}

}  // namespace
}  // namespace flexcim::golden
