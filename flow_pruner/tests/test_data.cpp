#include "flow_pruner/tests/test_data.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "flow_pruner/file_bytes.h"

namespace flexcim::pruner::testdata {

namespace {

struct Expected {
  uint64_t bytes;
  const char* sha256;
};

const std::map<std::string, Expected>& ExpectedFiles() {
  static const std::map<std::string, Expected> files = {
      {"stories260K.bin",
       {1056540, "b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696"}},
      {"stories15M.bin",
       {60816028, "cd590644d963867a2b6e5a1107f51fad663c41d79c149fbecbbb1f95fa81f49a"}},
      {"tok512.bin", {6227, "037cb335abb25d1fa9e8ecae30ed2a3a8ace9302862ebcdc05d51a6bbb10c312"}},
      {"tokenizer.bin",
       {433869, "50a52ef822ee9e83de5ce9d0be0a025a773d019437f58b5ff9dcafb063ece361"}},
      {"tinystories-valid-head.txt",
       {794375, "5fc1fb0113df62b567fb271806cd645ce8d75f59c58ca0b764c03d3b6ff34ca6"}},
      {"rwkv/tiny-rwkv-5v2-730K-FP32.bin",
       {2938765, "e170606dbbe4b6bdcaef2e7cd7d391652593a9778d8acfc78d77461763094bbc"}},
      {"rwkv/expected-logits-5v2-730K.bin",
       {1024, "7fdb876bcdcdf0e73aef2ff2655a8b3efc8c13a471e875a376fbd0c5dbd2f403"}},
      {"rwkv/tiny-rwkv-7v0-834K-FP32.bin",
       {3332716, "0dce48ebe81873c1cfd6383bb4f4b259ff123b228e0c7d264ed6b1a2d547dd86"}},
      {"rwkv/expected-logits-7v0-834K.bin",
       {1024, "1171f8ddfd45839ec402af55e4859155da5a0f356868a9a7f5e82d40d608d553"}},
  };
  return files;
}

uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

}  // namespace

std::string DataDir() {
  if (const char* env = std::getenv("FLEXCIM_DATA"); env != nullptr && *env != '\0') return env;
  if (const char* src = std::getenv("FLEXCIM_SOURCE_DIR"); src != nullptr && *src != '\0') {
    return std::string(src) + "/../shared/data";
  }
  throw std::runtime_error("set FLEXCIM_DATA or FLEXCIM_SOURCE_DIR to find shared/data");
}

std::string CheckedDataFile(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, bool> checked;
  const std::string path = DataDir() + "/" + name;
  std::lock_guard lock(mutex);
  if (checked.count(name)) return path;
  const auto it = ExpectedFiles().find(name);
  if (it == ExpectedFiles().end()) throw std::runtime_error("no README entry for " + name);
  const std::string bytes = ReadFileBytes(path);
  if (bytes.size() != it->second.bytes) {
    throw std::runtime_error(fmt::format("{}: {} bytes, README says {}", path, bytes.size(),
                                         it->second.bytes));
  }
  const std::string sha = Sha256Hex(bytes);
  if (sha != it->second.sha256) {
    throw std::runtime_error(
        fmt::format("{}: sha256 {}, README says {}", path, sha, it->second.sha256));
  }
  checked[name] = true;
  return path;
}

std::string Sha256Hex(std::string_view bytes) {
  static constexpr std::array<uint32_t, 64> k = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};
  std::array<uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string msg(bytes);
  const uint64_t bit_length = static_cast<uint64_t>(bytes.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back('\0');
  for (int i = 7; i >= 0; --i) msg.push_back(static_cast<char>((bit_length >> (8 * i)) & 0xff));
  for (size_t chunk = 0; chunk < msg.size(); chunk += 64) {
    std::array<uint32_t, 64> w{};
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + chunk + 4 * i);
      w[i] = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    }
    for (int i = 16; i < 64; ++i) {
      const uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    auto [a, b, c, d, e, f, g, hh] = h;
    for (int i = 0; i < 64; ++i) {
      const uint32_t s1 = Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25);
      const uint32_t ch = (e & f) ^ (~e & g);
      const uint32_t t1 = hh + s1 + ch + k[i] + w[i];
      const uint32_t s0 = Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22);
      const uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
      const uint32_t t2 = s0 + maj;
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  std::string hex;
  for (const uint32_t v : h) hex += fmt::format("{:08x}", v);
  return hex;
}

namespace {

// Removes the directories MakeTempDir made for a test when the test passes,
// and those made outside any test when the program ends.
class TempDirCleaner : public ::testing::EmptyTestEventListener {
 public:
  void Add(std::filesystem::path dir, bool in_test) {
    (in_test ? test_dirs_ : program_dirs_).push_back(std::move(dir));
  }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    if (!info.result()->Failed()) RemoveAll(test_dirs_);
    test_dirs_.clear();
  }
  void OnTestProgramEnd(const ::testing::UnitTest&) override { RemoveAll(program_dirs_); }

 private:
  static void RemoveAll(std::vector<std::filesystem::path>& dirs) {
    for (const auto& d : dirs) {
      std::error_code ec;
      std::filesystem::remove_all(d, ec);
    }
    dirs.clear();
  }
  std::vector<std::filesystem::path> test_dirs_;
  std::vector<std::filesystem::path> program_dirs_;
};

TempDirCleaner& Cleaner() {
  // gtest owns a listener once appended.
  static TempDirCleaner* const cleaner = [] {
    auto* c = new TempDirCleaner;
    ::testing::UnitTest::GetInstance()->listeners().Append(c);
    return c;
  }();
  return *cleaner;
}

}  // namespace

std::string MakeTempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name = info != nullptr
                               ? fmt::format("{}.{}", info->test_suite_name(), info->name())
                               : std::string("test");
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    fmt::format("flexcim-model-{}-{}", name, ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Cleaner().Add(dir, info != nullptr);
  return dir.string();
}

}  // namespace flexcim::pruner::testdata
