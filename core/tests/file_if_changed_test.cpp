#include "core/file_if_changed.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

namespace flexcim {
namespace {

namespace fs = std::filesystem;

TEST(FileIfChanged, IdenticalContentKeepsTheFileAndItsTimestamp) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("flexcim_if_changed_{}", ::getpid());
  fs::remove_all(dir);
  const fs::path p = dir / "a.v";
  EXPECT_FALSE(FileHolds(p, "x"));
  EXPECT_TRUE(WriteFileIfChanged(p, "module a; endmodule\n"));  // creates the directory too
  const auto old_time = fs::file_time_type::clock::now() - std::chrono::hours(1);
  fs::last_write_time(p, old_time);
  EXPECT_TRUE(FileHolds(p, "module a; endmodule\n"));
  EXPECT_FALSE(WriteFileIfChanged(p, "module a; endmodule\n"));
  EXPECT_EQ(fs::last_write_time(p), old_time);
  EXPECT_FALSE(FileHolds(p, "module a; endmodule"));  // a prefix is not the content
  EXPECT_TRUE(WriteFileIfChanged(p, "module b; endmodule\n"));
  EXPECT_NE(fs::last_write_time(p), old_time);
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "module b; endmodule");
  EXPECT_FALSE(FileHolds(dir, ""));  // a directory holds no bytes
  fs::remove_all(dir);
}

}  // namespace
}  // namespace flexcim
