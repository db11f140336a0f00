// The shipped stories260K.bin: header, layout, byte-identical round trip and
// errors on damaged copies (written to a temp dir).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "core/errors.h"
#include "core/atomic_file.h"
#include "flow_pruner/file_bytes.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/model_writer.h"
#include "flow_pruner/tests/test_data.h"

namespace flexcim::pruner {
namespace {

double Std(const std::vector<float>& v) {
  double sum = 0, sq = 0;
  for (const float x : v) {
    sum += x;
    sq += static_cast<double>(x) * x;
  }
  const double mean = sum / v.size();
  return std::sqrt(sq / v.size() - mean * mean);
}

std::vector<float> Concat(const LlamaModel& m, LinearKind kind) {
  std::vector<float> all;
  for (const LlamaLayer& layer : m.layers) {
    const auto& d = layer.linear(kind).data;
    all.insert(all.end(), d.begin(), d.end());
  }
  return all;
}

TEST(Stories260K, HeaderAndShapes) {
  const LlamaModel m = LoadLlamaModel(testdata::CheckedDataFile("stories260K.bin"));
  const LlamaConfig& c = m.config;
  EXPECT_EQ(c.dim, 64);
  EXPECT_EQ(c.hidden_dim, 172);
  EXPECT_EQ(c.n_layers, 5);
  EXPECT_EQ(c.n_heads, 8);
  EXPECT_EQ(c.n_kv_heads, 4);
  EXPECT_EQ(c.vocab_size, 512);
  EXPECT_EQ(c.seq_len, 512);
  EXPECT_TRUE(c.shared_classifier);
  EXPECT_FALSE(m.wcls.has_value());
  EXPECT_EQ(c.FloatCount(), 264128);
  ASSERT_EQ(m.layers.size(), 5u);
  EXPECT_EQ(m.layers[0].wk.rows, 32);
  EXPECT_EQ(m.layers[0].wk.cols, 64);
  EXPECT_EQ(m.layers[4].w2.rows, 64);
  EXPECT_EQ(m.layers[4].w2.cols, 172);
  EXPECT_EQ(m.layers[4].w1.rows, 172);
  // README weight statistics (std).
  EXPECT_NEAR(Std(m.token_embedding.data), 0.308, 0.0015);
  EXPECT_NEAR(Std(Concat(m, LinearKind::kQ)), 0.228, 0.0015);
  EXPECT_NEAR(Std(Concat(m, LinearKind::kV)), 0.069, 0.0015);
  EXPECT_NEAR(Std(Concat(m, LinearKind::kW2)), 0.127, 0.0015);
  // The stored RoPE table is cos/sin(pos * 10000^(-2i/head_size)).
  EXPECT_NEAR(m.freq_cis_real[3 * 4 + 1], std::cos(3 * std::pow(10000.0, -2.0 / 8)), 1e-6);
  EXPECT_NEAR(m.freq_cis_imag[3 * 4 + 1], std::sin(3 * std::pow(10000.0, -2.0 / 8)), 1e-6);
}

TEST(Stories260K, WriterRoundTripIsByteIdentical) {
  const std::string source = testdata::CheckedDataFile("stories260K.bin");
  const LlamaModel m = LoadLlamaModel(source);
  const std::string dir = testdata::MakeTempDir();
  const std::string out = dir + "/copy.bin";
  WriteLlamaModel(m, out);
  const std::string original = ReadFileBytes(source);
  const std::string written = ReadFileBytes(out);
  EXPECT_EQ(written.size(), original.size());
  EXPECT_TRUE(written == original);
  EXPECT_EQ(testdata::Sha256Hex(written),
            "b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696");
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir),
                          std::filesystem::directory_iterator()),
            1);
  std::filesystem::remove_all(dir);
}

TEST(Stories260K, DamagedCopiesAreRejected) {
  const std::string original = ReadFileBytes(testdata::CheckedDataFile("stories260K.bin"));
  const std::string dir = testdata::MakeTempDir();
  auto error_for = [&](const std::string& name, const std::string& bytes) {
    const std::string path = dir + "/" + name;
    flexcim::WriteFileAtomically(path, bytes);
    try {
      LoadLlamaModel(path);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(error_for("short.bin", original.substr(0, 1000)),
            dir + "/short.bin: truncated: header says 264128 floats (1056540 bytes) but file has "
                  "1000 bytes");
  EXPECT_EQ(error_for("long.bin", original + "abcd"),
            dir + "/long.bin: oversized: header says 264128 floats (1056540 bytes) but file has "
                  "1056544 bytes");
  std::string heads = original;
  const int32_t seven = 7;
  std::memcpy(heads.data() + 12, &seven, 4);
  EXPECT_EQ(error_for("heads.bin", heads), dir + "/heads.bin: dim 64 is not divisible by n_heads 7");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace flexcim::pruner
