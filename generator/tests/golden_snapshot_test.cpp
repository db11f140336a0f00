// Snapshot test: the generated files of every configuration in
// test_configs.h must equal testdata/gen/<config Name()>/ (FlexCiM) or
// testdata/gen/<arch>_<config>/ (baselines) byte for byte (the
// co-simulation build verilates those checked-in files).
//
// Bless after an intended change:  gen_golden_snapshot_test --update-golden
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "core/output_directory.h"
#include "generator/baseline_generator.h"
#include "generator/design_writer.h"
#include "generator/flexcim_generator.h"
#include "generator/tests/test_configs.h"

namespace flexcim::gen {
namespace {

namespace fs = std::filesystem;

bool g_update_golden = false;

fs::path SnapshotRoot() { return testing::SourceDir() / "testdata" / "gen"; }

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Compares (or, with --update-golden, rewrites) one design's snapshot.
void CheckSnapshot(const GeneratedDesign& design, const fs::path& dir) {
  if (g_update_golden) {
    WriteDesign(design, dir);
    GTEST_SKIP() << "rewrote " << dir;
  }
  ASSERT_TRUE(fs::is_directory(dir))
      << dir << " is missing; run this test binary with --update-golden";
  std::set<std::string> expected_names{kManifestFileName, kOutputMarkerFileName};
  for (const GeneratedFile& f : design.files) expected_names.insert(f.name);
  std::set<std::string> actual_names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    actual_names.insert(entry.path().filename().string());
  }
  EXPECT_EQ(actual_names, expected_names);
  for (const GeneratedFile& f : design.files) {
    EXPECT_EQ(ReadFile(dir / f.name), f.text)
        << f.name << " differs from the snapshot; run with --update-golden if intended";
  }
  EXPECT_EQ(ReadFile(dir / kManifestFileName), design.ManifestText());
}

class GoldenSnapshotTest : public ::testing::TestWithParam<MacroConfig> {};

TEST_P(GoldenSnapshotTest, GeneratedFilesMatchSnapshot) {
  CheckSnapshot(GenerateFlexcim(GetParam()), SnapshotRoot() / GetParam().Name());
}

class BaselineSnapshotTest : public ::testing::TestWithParam<BaselineConfig> {};

TEST_P(BaselineSnapshotTest, GeneratedFilesMatchSnapshot) {
  CheckSnapshot(GenerateBaseline(GetParam()), SnapshotRoot() / GetParam().QualifiedName());
}

INSTANTIATE_TEST_SUITE_P(Baselines, BaselineSnapshotTest,
                         ::testing::ValuesIn(testing::BaselineSnapshotConfigs()),
                         [](const ::testing::TestParamInfo<BaselineConfig>& info) {
                           return info.param.QualifiedName();
                         });

INSTANTIATE_TEST_SUITE_P(Configs, GoldenSnapshotTest,
                         ::testing::ValuesIn(testing::SnapshotConfigs()),
                         [](const ::testing::TestParamInfo<MacroConfig>& info) {
                           return info.param.Name();
                         });

}  // namespace
}  // namespace flexcim::gen

int main(int argc, char** argv) {
  // Our own flag first, so GoogleTest never sees it.
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--update-golden") == 0) {
      flexcim::gen::g_update_golden = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
