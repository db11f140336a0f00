// The pruned-model container (docs/CONTAINER.md) on a small synthetic
// container: exact round trip, every bad input as its exact one-line error,
// and atomic writes (nothing left behind on failure).
#include "flow_pruner/pruned_container.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "core/errors.h"
#include "core/sha256.h"
#include "flow_pruner/file_bytes.h"
#include "flow_pruner/tests/test_data.h"

namespace flexcim::pruner {
namespace {

namespace fs = std::filesystem;

PrunedLayer RandomLayer(int block, const std::string& name, int rows, int cols, NmPattern p,
                        std::mt19937& rng) {
  PrunedLayer l;
  l.block = block;
  l.name = name;
  l.rows = rows;
  l.cols = cols;
  l.pattern = p;
  std::uniform_int_distribution<int> code(-32, 31);  // W = 6, the sample's w_bits
  std::uniform_real_distribution<float> scale(1e-4f, 1e-2f);
  for (int i = 0; i < rows * cols; ++i) {
    const bool keep = (i % p.m) < p.n;
    l.mask.push_back(keep ? 1 : 0);
    l.weights.push_back(static_cast<int16_t>(keep ? code(rng) : 0));
  }
  for (int r = 0; r < rows; ++r) l.scales.push_back(scale(rng));
  return l;
}

PrunedContainer Sample() {
  std::mt19937 rng(7);
  PrunedContainer c;
  c.config = MacroConfig::Create({.subs = 4, .rows = 16, .cols = 16, .sel_group = 4, .a_bits = 8, .w_bits = 6});
  c.w_bits = 6;
  c.a_bits = 8;
  c.hardware_legal = true;
  c.method = "flow";
  c.source_model_sha256 = std::string(64, 'a');
  c.layers.push_back(RandomLayer(0, "wq", 8, 16, {2, 4}, rng));
  c.layers.push_back(RandomLayer(0, "w2", 5, 13, {1, 8}, rng));  // 65 bits: a partial byte
  c.layers.push_back(RandomLayer(1, "wk", 3, 7, {2, 2}, rng));
  return c;
}

std::string ReadError(const fs::path& path) {
  try {
    ReadContainer(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string WriteError(const PrunedContainer& c, const fs::path& path) {
  try {
    WriteContainer(c, path);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

void WriteBytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

uint32_t U32At(const std::string& bytes, size_t at) {
  uint32_t v;
  std::memcpy(&v, bytes.data() + at, 4);
  return v;
}

void SetU32(std::string& bytes, size_t at, uint32_t v) { std::memcpy(bytes.data() + at, &v, 4); }

// Replaces the trailing SHA-256 with the digest of everything before it.
void Reseal(std::string& bytes) {
  bytes.resize(bytes.size() - 32);
  const std::string hex = Sha256Hex(bytes);
  for (size_t i = 0; i < 32; ++i) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16)));
  }
}

class ContainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testdata::MakeTempDir();
    path_ = fs::path(dir_) / "pruned.flexcim";
    WriteContainer(Sample(), path_);
    bytes_ = ReadFileBytes(path_.string());
  }
  std::string Corrupt(const std::string& bytes) {
    const fs::path p = fs::path(dir_) / "bad.flexcim";
    WriteBytes(p, bytes);
    return ReadError(p);
  }
  std::string Bad() const { return (fs::path(dir_) / "bad.flexcim").string(); }
  std::string dir_;
  fs::path path_;
  std::string bytes_;
};

TEST_F(ContainerTest, RoundTripIsExact) {
  const PrunedContainer a = Sample();
  const PrunedContainer b = ReadContainer(path_);
  EXPECT_EQ(b.config, a.config);
  EXPECT_EQ(b.w_bits, a.w_bits);
  EXPECT_EQ(b.a_bits, a.a_bits);
  EXPECT_EQ(b.hardware_legal, a.hardware_legal);
  EXPECT_EQ(b.method, a.method);
  EXPECT_EQ(b.source_model_sha256, a.source_model_sha256);
  ASSERT_EQ(b.layers.size(), a.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    const PrunedLayer &x = a.layers[i], &y = b.layers[i];
    EXPECT_EQ(y.block, x.block);
    EXPECT_EQ(y.name, x.name);
    EXPECT_EQ(y.rows, x.rows);
    EXPECT_EQ(y.cols, x.cols);
    EXPECT_EQ(y.pattern, x.pattern);
    EXPECT_EQ(y.mask, x.mask);
    EXPECT_EQ(y.weights, x.weights);
    EXPECT_EQ(y.scales, x.scales);
  }
  // Writing what was read gives the same bytes.
  const fs::path again = fs::path(dir_) / "again.flexcim";
  WriteContainer(b, again);
  EXPECT_EQ(ReadFileBytes(again.string()), bytes_);
  EXPECT_EQ(bytes_.substr(0, 8), "FLXPRUNE");
  EXPECT_EQ(U32At(bytes_, 8), 1u);
}

TEST_F(ContainerTest, LayoutMatchesTheDocument) {
  const uint32_t h = U32At(bytes_, 12);
  const auto header = nlohmann::json::parse(bytes_.substr(16, h));
  const uint32_t payload = U32At(bytes_, 16 + h);
  EXPECT_EQ(bytes_.size(), 20u + h + payload + 32u);
  EXPECT_EQ(header.at("format"), "flexcim-pruned");
  EXPECT_EQ(header.at("macro"), nlohmann::json({{"P", 4}, {"R", 16}, {"C", 16}, {"G", 4}, {"A", 8}, {"W", 6}}));
  // Layer 1 (5x13 = 65 mask bits = 9 bytes) follows layer 0 (8x16: 16 mask
  // bytes, 256 weight bytes, 32 scale bytes).
  const auto& l1 = header.at("layers").at(1);
  EXPECT_EQ(l1.at("mask_offset"), 16 + 256 + 32);
  EXPECT_EQ(l1.at("weights_offset"), 16 + 256 + 32 + 9);
  EXPECT_EQ(l1.at("scales_offset"), 16 + 256 + 32 + 9 + 130);
  // Mask bit 0 of layer 0 is LSB of its first byte; 2:4 keeps inputs 0, 1.
  EXPECT_EQ(static_cast<uint8_t>(bytes_[20 + h]), 0b00110011);
}

TEST_F(ContainerTest, BadMagic) {
  std::string b = bytes_;
  b[0] = 'X';
  EXPECT_EQ(Corrupt(b), Bad() + ": not a flexcim pruned container (bad magic)");
}

TEST_F(ContainerTest, UnsupportedVersion) {
  std::string b = bytes_;
  SetU32(b, 8, 2);
  EXPECT_EQ(Corrupt(b), Bad() + ": container version 2 is not supported (this build reads 1)");
}

TEST_F(ContainerTest, Truncated) {
  EXPECT_EQ(Corrupt(bytes_.substr(0, 40)), Bad() + ": truncated (40 bytes)");
  // A header length running past the end of the file.
  std::string b = bytes_;
  SetU32(b, 12, 1u << 30);
  EXPECT_EQ(Corrupt(b), fmt::format("{}: truncated ({} bytes, header says 1073741824 header bytes)",
                                    Bad(), b.size()));
}

TEST_F(ContainerTest, SizeMismatch) {
  const size_t expected = bytes_.size();
  EXPECT_EQ(Corrupt(bytes_.substr(0, expected - 1)),
            fmt::format("{}: size {} bytes does not match its header ({} expected)", Bad(),
                        expected - 1, expected));
  EXPECT_EQ(Corrupt(bytes_ + "x"), fmt::format("{}: size {} bytes does not match its header ({} expected)",
                                               Bad(), expected + 1, expected));
}

TEST_F(ContainerTest, ChecksumMismatchOnOnePayloadByte) {
  std::string b = bytes_;
  const uint32_t h = U32At(b, 12);
  b[20 + h + 100] ^= 0x01;  // one weight byte of layer 0
  EXPECT_EQ(Corrupt(b), Bad() + ": checksum mismatch (file corrupt)");
  b = bytes_;
  b[b.size() - 1] ^= 0x80;  // the digest itself
  EXPECT_EQ(Corrupt(b), Bad() + ": checksum mismatch (file corrupt)");
}

TEST_F(ContainerTest, OffsetOutsidePayload) {
  std::string b = bytes_;
  const uint32_t h = U32At(b, 12);
  auto header = nlohmann::json::parse(b.substr(16, h));
  header["layers"][2]["scales_offset"] = U32At(b, 16 + h);  // one past the end
  const std::string text = header.dump();
  std::string rebuilt = b.substr(0, 12);
  rebuilt.resize(16);
  SetU32(rebuilt, 12, static_cast<uint32_t>(text.size()));
  rebuilt += text + b.substr(16 + h);
  Reseal(rebuilt);
  EXPECT_EQ(Corrupt(rebuilt), Bad() + ": layer 1.wk: points outside the payload (" +
                                     std::to_string(U32At(b, 16 + h)) + " bytes)");
}

TEST_F(ContainerTest, BadHeaderJson) {
  std::string b = bytes_;
  b[16] = '!';
  Reseal(b);
  const std::string e = Corrupt(b);
  EXPECT_EQ(e.rfind(Bad() + ": header: not valid JSON: parse error at line 1, column 1: ", 0), 0u) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST_F(ContainerTest, WriteIntoMissingDirectoryLeavesNothing) {
  const fs::path p = fs::path(dir_) / "missing" / "c.flexcim";
  EXPECT_EQ(WriteError(Sample(), p), p.string() + ": cannot write");
  EXPECT_FALSE(fs::exists(p.parent_path()));
}

TEST_F(ContainerTest, FailedRenameLeavesNoTemporaryAndKeepsTarget) {
  // The target is a non-empty directory: the final rename fails.
  const fs::path p = fs::path(dir_) / "occupied";
  fs::create_directories(p / "inside");
  const std::string e = WriteError(Sample(), p);
  EXPECT_EQ(e, p.string() + ": exists and is not a regular file (a directory)");
  EXPECT_FALSE(fs::exists(p.string() + ".tmp"));
  EXPECT_TRUE(fs::is_directory(p / "inside"));
}

TEST_F(ContainerTest, InconsistentLayerIsRejectedBeforeWriting) {
  PrunedContainer c = Sample();
  c.layers[1].scales.pop_back();
  const fs::path p = fs::path(dir_) / "never.flexcim";
  EXPECT_EQ(WriteError(c, p), "container: layer 0.w2 has inconsistent sizes");
  EXPECT_FALSE(fs::exists(p));
  EXPECT_FALSE(fs::exists(p.string() + ".tmp"));
}

TEST_F(ContainerTest, FailedWriteKeepsThePreviousFile) {
  PrunedContainer c = Sample();
  c.layers[0].mask.pop_back();
  EXPECT_EQ(WriteError(c, path_), "container: layer 0.wq has inconsistent sizes");
  EXPECT_EQ(ReadFileBytes(path_.string()), bytes_);
}

}  // namespace
}  // namespace flexcim::pruner
