// WriteDesign: all-or-nothing output, replacing only previous designs.
#include "generator/design_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/errors.h"
#include "generator/flexcim_generator.h"
#include "generator/tests/scratch_dir.h"

namespace flexcim::gen {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every entry of `dir`, by name.
std::vector<std::string> Entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

GeneratedDesign SmallDesign() { return GenerateFlexcim(MacroConfig::Create({.subs = 2, .rows = 2, .cols = 1, .sel_group = 1, .a_bits = 4, .w_bits = 4})); }

std::string ErrorOf(const GeneratedDesign& d, const fs::path& out) {
  try {
    WriteDesign(d, out);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(WriteDesign, WritesFilesAndManifestIntoNewDirectory) {
  testing::ScratchDir scratch("writer");
  const GeneratedDesign d = SmallDesign();
  const fs::path out = scratch.path() / "a" / "b" / "rtl";
  WriteDesign(d, out);
  for (const GeneratedFile& f : d.files) EXPECT_EQ(ReadFile(out / f.name), f.text);
  EXPECT_EQ(ReadFile(out / "manifest.json"), d.ManifestText());
  EXPECT_EQ(Entries(out).size(), d.files.size() + 2);  // + manifest.json, .flexcim-output
  // No staging directories are left beside it.
  EXPECT_EQ(Entries(scratch.path() / "a" / "b"), std::vector<std::string>{"rtl"});
}

TEST(WriteDesign, ReplacesPreviousDesignCompletely) {
  testing::ScratchDir scratch("writer");
  const fs::path out = scratch.path() / "rtl";
  WriteDesign(GenerateFlexcim(MacroConfig::Default()), out);
  std::ofstream(out / "stale.v") << "module stale; endmodule\n";
  const GeneratedDesign d = SmallDesign();
  WriteDesign(d, out);
  EXPECT_FALSE(fs::exists(out / "stale.v"));
  EXPECT_FALSE(fs::exists(out / "flexcim_mul_p4_r16_c16_g16_a8_w8.v"));
  EXPECT_EQ(ReadFile(out / "manifest.json"), d.ManifestText());
  EXPECT_EQ(Entries(scratch.path()), std::vector<std::string>{"rtl"});
}

TEST(WriteDesign, AcceptsEmptyExistingDirectory) {
  testing::ScratchDir scratch("writer");
  const fs::path out = scratch.path() / "rtl";
  fs::create_directory(out);
  WriteDesign(SmallDesign(), out / "");  // trailing separator is fine
  EXPECT_TRUE(fs::exists(out / "manifest.json"));
}

TEST(WriteDesign, RefusesDirectoryThatIsNotADesign) {
  testing::ScratchDir scratch("writer");
  const fs::path out = scratch.path() / "src";
  fs::create_directory(out);
  std::ofstream(out / "precious.txt") << "keep me\n";
  EXPECT_EQ(ErrorOf(SmallDesign(), out),
            "refusing to replace '" + out.string() +
                "': it is neither empty nor an earlier output of 'flexcim gen' (no .flexcim-output "
                "marker); choose another directory or remove it");
  EXPECT_EQ(ReadFile(out / "precious.txt"), "keep me\n");
  EXPECT_EQ(Entries(scratch.path()), std::vector<std::string>{"src"});
}

TEST(WriteDesign, RefusesRegularFile) {
  testing::ScratchDir scratch("writer");
  const fs::path out = scratch.path() / "file";
  std::ofstream(out) << "x";
  EXPECT_EQ(ErrorOf(SmallDesign(), out),
            "output directory '" + out.string() + "' exists and is not a directory");
}

TEST(WriteDesign, UnwritableLocationNamesPathAndLeavesNothing) {
  testing::ScratchDir scratch("writer");
  const fs::path blocker = scratch.path() / "blocker";
  std::ofstream(blocker) << "x";  // a file where a parent directory should be
  const fs::path out = blocker / "rtl";
  const std::string error = ErrorOf(SmallDesign(), out);
  EXPECT_NE(error.find("cannot create output directory '" + out.string() + "'"),
            std::string::npos)
      << error;
  EXPECT_EQ(Entries(scratch.path()), std::vector<std::string>{"blocker"});
}

}  // namespace
}  // namespace flexcim::gen

namespace flexcim::gen {
namespace {

TEST(WriteDesignIfChanged, IdenticalDesignKeepsFilesAndTimestamps) {
  testing::ScratchDir scratch("if_changed");
  const fs::path out = scratch.path() / "rtl";
  EXPECT_TRUE(WriteDesignIfChanged(SmallDesign(), out));
  const auto old_time = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (const auto& e : fs::directory_iterator(out)) fs::last_write_time(e.path(), old_time);
  EXPECT_FALSE(WriteDesignIfChanged(SmallDesign(), out));  // regenerated, byte-identical
  for (const auto& e : fs::directory_iterator(out)) EXPECT_EQ(fs::last_write_time(e.path()), old_time) << e.path();
  // Another configuration into the same directory rewrites it completely.
  const GeneratedDesign other = GenerateFlexcim(MacroConfig::Create({.subs = 2, .rows = 2, .cols = 2, .sel_group = 1, .a_bits = 4, .w_bits = 4}));
  EXPECT_TRUE(WriteDesignIfChanged(other, out));
  for (const GeneratedFile& f : other.files) EXPECT_EQ(ReadFile(out / f.name), f.text);
  // One edited file is enough to rewrite.
  { std::ofstream(out / other.files.front().name) << "// edited\n"; }
  EXPECT_TRUE(WriteDesignIfChanged(other, out));
  EXPECT_EQ(ReadFile(out / other.files.front().name), other.files.front().text);
}

}  // namespace
}  // namespace flexcim::gen
