// The sweep's grid with its MAC style and storage axes: the exact expanded
// points and their names, and the points' round trip through the cluster
// manifest (synth/sweep_manifest.h).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "synth/sweep.h"
#include "synth/sweep_manifest.h"

namespace flexcim::synth {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Ids(const std::vector<SweepPoint>& points) {
  std::vector<std::string> ids;
  for (const auto& p : points) ids.push_back(p.Id());
  return ids;
}

SweepGrid SmallGrid() {
  SweepGrid g;
  g.subs = {2};
  g.sel_groups = {1, 2, 4};
  g.rows = {2};
  g.cols = {2};
  g.a_bits = 4;
  g.w_bits = 4;
  g.archs = {"flexcim", "sparse12"};
  g.macs = {MacStyle::kBitParallel, MacStyle::kBitSerial};
  g.storages = {StorageKind::kFlipFlop, StorageKind::kLatch};
  return g;
}

TEST(SweepGrid, MacAndStorageAxesExpandEveryPoint) {
  std::vector<std::string> notes;
  const auto points = ExpandGrid(SmallGrid(), &notes);
  EXPECT_EQ(Ids(points), (std::vector<std::string>{
                             "flexcim_p2_r2_c2_g1_a4_w4",          "flexcim_p2_r2_c2_g2_a4_w4",
                             "flexcim_p2_r2_c2_g1_a4_w4_latch",    "flexcim_p2_r2_c2_g2_a4_w4_latch",
                             "flexcim_p2_r2_c2_g1_a4_w4_bs",       "flexcim_p2_r2_c2_g2_a4_w4_bs",
                             "flexcim_p2_r2_c2_g1_a4_w4_bs_latch", "flexcim_p2_r2_c2_g2_a4_w4_bs_latch",
                             "sparse12_p2_r2_c2_g2_a4_w4",         "sparse12_p2_r2_c2_g2_a4_w4_latch",
                             "sparse12_p2_r2_c2_g2_a4_w4_bs",      "sparse12_p2_r2_c2_g2_a4_w4_bs_latch",
                         }));
  // One note for the skipped G = 4 > C = 2, not one per style.
  EXPECT_EQ(notes, (std::vector<std::string>{"skipped G=4 for C=2 (G must be <= C)"}));
  EXPECT_EQ(points[6].config.mac(), MacStyle::kBitSerial);
  EXPECT_EQ(points[6].config.storage(), StorageKind::kLatch);
  EXPECT_EQ(points[6].config.initiation_interval(), 4);
  EXPECT_EQ(points[9].config.storage(), StorageKind::kLatch);
  EXPECT_EQ(points[9].config.mac(), MacStyle::kBitParallel);
}

TEST(SweepGrid, DefaultAxesAreBitParallelFlipFlop) {
  SweepGrid g = SmallGrid();
  g.macs = SweepGrid{}.macs;
  g.storages = SweepGrid{}.storages;
  EXPECT_EQ(Ids(ExpandGrid(g, nullptr)), (std::vector<std::string>{"flexcim_p2_r2_c2_g1_a4_w4",
                                                                    "flexcim_p2_r2_c2_g2_a4_w4",
                                                                    "sparse12_p2_r2_c2_g2_a4_w4"}));
}

class SweepManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("flexcim_sweep_grid_test_{}", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(SweepManifestTest, PointsKeepTheirStyleThroughTheManifest) {
  SweepManifest m;
  m.points = ExpandGrid(SmallGrid(), &m.notes);
  m.out_dir = dir_ / "out";
  m.data_dir = dir_;
  WriteSweepManifest(m, dir_);
  const fs::path path = dir_ / kSweepManifestFile;
  const SweepManifest back = ReadSweepManifest(path);
  ASSERT_EQ(back.points.size(), m.points.size());
  for (size_t i = 0; i < m.points.size(); ++i) {
    EXPECT_EQ(back.points[i].arch, m.points[i].arch);
    EXPECT_EQ(back.points[i].config, m.points[i].config) << m.points[i].Id();
  }
  // Styles are written only when not the default, beside P..W.
  std::ifstream in(path);
  nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["points"][0].count("mac"), 0u);
  EXPECT_EQ(j["points"][6]["mac"], "bit-serial");
  EXPECT_EQ(j["points"][6]["storage"], "latch");
  // A point whose style was lost no longer matches its id.
  j["points"][6].erase("mac");
  std::ofstream(path) << j.dump(2);
  try {
    ReadSweepManifest(path);
    ADD_FAILURE() << "a point without its mac was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              fmt::format("{}: point 'flexcim_p2_r2_c2_g1_a4_w4_bs_latch' does not match its parameters "
                          "(flexcim_p2_r2_c2_g1_a4_w4_latch)",
                          path.string()));
  }
  // A style outside the set names the file and the value.
  j["points"][6]["mac"] = "nibble";
  std::ofstream(path) << j.dump(2);
  try {
    ReadSweepManifest(path);
    ADD_FAILURE() << "mac 'nibble' was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              fmt::format("{0}: mac = nibble: must be one of bit-parallel, bit-serial", path.string()));
  }
}

}  // namespace
}  // namespace flexcim::synth
