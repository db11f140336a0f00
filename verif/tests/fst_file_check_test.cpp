// FstFileProblem on hand-built FST block chains: a complete file, and each
// way a full disk or an unfinished writer leaves one (exact reasons).
#include "verif/fst_file_check.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace flexcim::verif {
namespace {

namespace fs = std::filesystem;

void PutBigEndian64(std::string& bytes, size_t at, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) bytes[at + i] = static_cast<char>(v & 0xff);
}

// A block: tag, section length (8 + payload), payload.
std::string Block(int tag, size_t payload) {
  std::string b(1 + 8 + payload, '\x5a');
  b[0] = static_cast<char>(tag);
  PutBigEndian64(b, 1, 8 + payload);
  return b;
}

// The 330-byte header: end time at byte 17, value-change section count at 65.
std::string Header(uint64_t end_time, uint64_t sections) {
  std::string h(330, '\0');
  PutBigEndian64(h, 1, 329);
  PutBigEndian64(h, 17, end_time);
  PutBigEndian64(h, 65, sections);
  return h;
}

class FstFileCheck : public ::testing::Test {
 protected:
  std::string Check(const std::string& bytes, uint64_t last_time) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
    return FstFileProblem(path_, last_time);
  }
  void TearDown() override { fs::remove(path_); }
  const fs::path path_ = fs::temp_directory_path() / ("flexcim_fst_check_" + std::to_string(::getpid()) + ".fst");
  // Two value-change blocks, then the geometry and hierarchy (LZ4) blocks of the close.
  const std::string complete_ = Header(2445, 2) + Block(1, 100) + Block(8, 40) + Block(3, 12) + Block(6, 30);
};

TEST_F(FstFileCheck, CompleteFileHasNoProblem) { EXPECT_EQ(Check(complete_, 2445), ""); }

TEST_F(FstFileCheck, FileCutByAFullDiskIsIncomplete) {
  EXPECT_EQ(Check(complete_.substr(0, 400), 2445), "block 1 at byte 330 runs past the end of the file (400 bytes)");
  EXPECT_EQ(Check(complete_.substr(0, 335), 2445),
            "block 1 at byte 330 is cut off by the end of the file (335 bytes)");
  EXPECT_EQ(Check(complete_.substr(0, 200), 2445), "200 bytes, shorter than the FST header");
  EXPECT_EQ(Check("", 2445), "0 bytes, shorter than the FST header");
}

TEST_F(FstFileCheck, UnfinishedOrForeignBlocksAreRefused) {
  EXPECT_EQ(Check(Header(2445, 1) + Block(255, 100) + Block(3, 12) + Block(6, 30), 2445),
            "block 1 at byte 330 has tag 255, not a finished block");
  EXPECT_EQ(Check(Header(2445, 2) + Block(1, 100) + Block(8, 40), 2445),
            "no geometry block: the writer did not finish the file");
  EXPECT_EQ(Check(Header(2445, 2) + Block(1, 100) + Block(8, 40) + Block(3, 12), 2445),
            "no hierarchy block: the writer did not finish the file");
  EXPECT_EQ(Check(std::string(330, '\x01'), 2445), "no FST header at byte 0");
}

TEST_F(FstFileCheck, HeaderMustAgreeWithTheBlocksAndTheSimulation) {
  EXPECT_EQ(Check(Header(2445, 3) + Block(1, 100) + Block(8, 40) + Block(3, 12) + Block(6, 30), 2445),
            "the header counts 3 value-change blocks, the file holds 2");
  EXPECT_EQ(Check(complete_, 2455), "it ends at time 2445, the simulation at 2455");
}

}  // namespace
}  // namespace flexcim::verif
