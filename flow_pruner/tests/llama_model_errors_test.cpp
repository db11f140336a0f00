// Loader and writer on small synthetic models: every bad header or size is
// a one-line Error naming the file and the value.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/errors.h"
#include "flow_pruner/file_bytes.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/model_writer.h"
#include "flow_pruner/tests/test_data.h"

namespace flexcim::pruner {
namespace {

// dim 8, hidden 12, 2 layers, 2 heads, 1 KV head, vocab 10, seq_len 4.
LlamaConfig TinyConfig(bool shared = true) {
  LlamaConfig c;
  c.dim = 8;
  c.hidden_dim = 12;
  c.n_layers = 2;
  c.n_heads = 2;
  c.n_kv_heads = 1;
  c.vocab_size = 10;
  c.seq_len = 4;
  c.shared_classifier = shared;
  return c;
}

LlamaModel TinyModel(bool shared = true) {
  LlamaModel m = AllocateLlamaModel(TinyConfig(shared));
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (const TensorRef& t : TensorsInFileOrder(m)) {
    for (size_t i = 0; i < t.size; ++i) t.data[i] = dist(rng);
  }
  return m;
}

void SetHeaderField(std::string& bytes, int index, int32_t value) {
  std::memcpy(bytes.data() + 4 * index, &value, 4);
}

std::string ErrorOf(std::string_view bytes) {
  try {
    ParseLlamaModel(bytes, "tiny.bin");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(LlamaModelFormat, FloatCountFollowsReadmeFormula) {
  const LlamaConfig c = TinyConfig();
  // V d + L d + L d d + 2 L kv d + L d d + L d + 3 L h d + d + seq hs
  const int64_t expected = 10 * 8 + 2 * 8 + 2 * 64 + 2 * 2 * 4 * 8 + 2 * 64 + 2 * 8 +
                           3 * 2 * 12 * 8 + 8 + 4 * 4;
  EXPECT_EQ(c.FloatCount(), expected);
  EXPECT_EQ(c.FileBytes(), 28 + 4 * expected);
  EXPECT_EQ(TinyConfig(false).FloatCount(), expected + 80);
  EXPECT_EQ(c.head_size(), 4);
  EXPECT_EQ(c.kv_dim(), 4);
  EXPECT_EQ(c.kv_mul(), 2);
}

TEST(LlamaModelFormat, SharedAndSeparateClassifierRoundTrip) {
  for (const bool shared : {true, false}) {
    const LlamaModel m = TinyModel(shared);
    const std::string bytes = SerializeLlamaModel(m);
    ASSERT_EQ(static_cast<int64_t>(bytes.size()), m.config.FileBytes());
    int32_t vocab = 0;
    std::memcpy(&vocab, bytes.data() + 20, 4);
    EXPECT_EQ(vocab, shared ? 10 : -10);
    const LlamaModel back = ParseLlamaModel(bytes, "tiny.bin");
    EXPECT_EQ(back.config.vocab_size, 10);
    EXPECT_EQ(back.config.shared_classifier, shared);
    EXPECT_EQ(back.wcls.has_value(), !shared);
    EXPECT_EQ(back.layers[1].w2.data, m.layers[1].w2.data);
    EXPECT_EQ(back.layers[1].w2.rows, 8);
    EXPECT_EQ(back.layers[1].w2.cols, 12);
    EXPECT_EQ(back.layers[0].wk.rows, 4);
    EXPECT_EQ(&back.classifier(), shared ? &back.token_embedding : &*back.wcls);
    EXPECT_EQ(SerializeLlamaModel(back), bytes);
  }
}

TEST(LlamaModelFormat, TensorsAreReadInFileOrder) {
  // Each float holds its own index: the loader must place them in README order.
  LlamaModel m = AllocateLlamaModel(TinyConfig());
  std::string bytes = SerializeLlamaModel(m);
  const size_t floats = (bytes.size() - 28) / 4;
  for (size_t i = 0; i < floats; ++i) {
    const float v = static_cast<float>(i);
    std::memcpy(bytes.data() + 28 + 4 * i, &v, 4);
  }
  const LlamaModel back = ParseLlamaModel(bytes, "tiny.bin");
  EXPECT_EQ(back.token_embedding.at(1, 0), 8.0f);                 // [vocab][dim]
  EXPECT_EQ(back.layers[1].rms_att[0], 80.0f + 8.0f);              // after emb (80)
  const float wq0 = 80 + 16;                                       // after rms_att (2*8)
  EXPECT_EQ(back.layers[0].wq.at(0, 1), wq0 + 1);                  // [out][in]
  EXPECT_EQ(back.layers[0].wq.at(1, 0), wq0 + 8);
  EXPECT_EQ(back.layers[1].wq.at(0, 0), wq0 + 64);
  const float wk0 = wq0 + 128;
  EXPECT_EQ(back.layers[0].wk.at(1, 0), wk0 + 8);
  EXPECT_EQ(back.rms_final[0], static_cast<float>(floats - 16 - 8));
  EXPECT_EQ(back.freq_cis_imag.back(), static_cast<float>(floats - 1));
}

TEST(LlamaModelFormat, SizeErrorsNameFileAndValues) {
  const std::string good = SerializeLlamaModel(TinyModel());
  const int64_t floats = TinyConfig().FloatCount();
  const size_t n = good.size();
  EXPECT_EQ(ErrorOf(good.substr(0, n - 4)),
            fmt::format("tiny.bin: truncated: header says {} floats ({} bytes) but file has {} bytes",
                        floats, n, n - 4));
  EXPECT_EQ(ErrorOf(good + std::string(8, '\0')),
            fmt::format("tiny.bin: oversized: header says {} floats ({} bytes) but file has {} bytes",
                        floats, n, n + 8));
  EXPECT_EQ(ErrorOf(good.substr(0, 10)),
            "tiny.bin: truncated: file has 10 bytes, less than the 28-byte header");
  EXPECT_EQ(ErrorOf(""), "tiny.bin: truncated: file has 0 bytes, less than the 28-byte header");
}

TEST(LlamaModelFormat, HeaderErrorsNameFieldAndValue) {
  const std::string good = SerializeLlamaModel(TinyModel());
  auto with = [&](std::initializer_list<std::pair<int, int32_t>> fields) {
    std::string bytes = good;
    for (const auto& [index, value] : fields) SetHeaderField(bytes, index, value);
    return ErrorOf(bytes);
  };
  EXPECT_EQ(with({{0, 0}}), "tiny.bin: header field dim is 0; it must be positive");
  EXPECT_EQ(with({{1, -5}}), "tiny.bin: header field hidden_dim is -5; it must be positive");
  EXPECT_EQ(with({{2, 0}}), "tiny.bin: header field n_layers is 0; it must be positive");
  EXPECT_EQ(with({{4, 0}}), "tiny.bin: header field n_kv_heads is 0; it must be positive");
  EXPECT_EQ(with({{6, -1}}), "tiny.bin: header field seq_len is -1; it must be positive");
  EXPECT_EQ(with({{5, 0}}),
            "tiny.bin: header field vocab_size is 0; it must be non-zero (negative means a "
            "separate classifier)");
  EXPECT_EQ(with({{3, 3}}), "tiny.bin: dim 8 is not divisible by n_heads 3");
  EXPECT_EQ(with({{3, 2}, {4, 3}}), "tiny.bin: n_heads 2 is not divisible by n_kv_heads 3");
  EXPECT_EQ(with({{3, 8}, {4, 1}}),
            "tiny.bin: head_size 1 (dim 8 / n_heads 8) is odd; RoPE needs it even");
  EXPECT_EQ(with({{0, 1 << 30}, {1, 1 << 30}}),
            "tiny.bin: header (dim 1073741824, hidden_dim 1073741824, n_layers 2, vocab_size 10, "
            "seq_len 4) implies more floats than fit in a file");
  // A negative vocab_size wants a wcls the file does not have.
  const int64_t unshared = TinyConfig(false).FloatCount();
  EXPECT_EQ(with({{5, -10}}),
            fmt::format("tiny.bin: truncated: header says {} floats ({} bytes) but file has {} "
                        "bytes",
                        unshared, 28 + 4 * unshared, good.size()));
}

TEST(LlamaModelFormat, NonFiniteWeightIsAnError) {
  std::string bytes = SerializeLlamaModel(TinyModel());
  const float nan = std::nanf("");
  // wq of layer 1, element 3: 28 + 4 * (80 emb + 16 rms_att + 64 wq layer 0 + 3)
  std::memcpy(bytes.data() + 28 + 4 * (80 + 16 + 64 + 3), &nan, 4);
  EXPECT_EQ(ErrorOf(bytes), "tiny.bin: tensor wq of layer 1 has a non-finite value (nan) at element 3");
}

TEST(LlamaModelFormat, LoadNamesThePath) {
  const std::string dir = testdata::MakeTempDir();
  const std::string path = dir + "/tiny.bin";
  WriteLlamaModel(TinyModel(), path);
  EXPECT_EQ(LoadLlamaModel(path).config.dim, 8);
  std::filesystem::resize_file(path, 100);
  try {
    LoadLlamaModel(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ": truncated: header says ", 0), 0u) << e.what();
  }
  try {
    LoadLlamaModel(dir + "/missing.bin");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), dir + "/missing.bin: cannot open: No such file or directory");
  }
  std::filesystem::remove_all(dir);
}

TEST(LlamaModelFormat, WriterRejectsInconsistentModels) {
  LlamaModel m = TinyModel();
  m.layers[1].w3 = Matrix(12, 7);
  try {
    SerializeLlamaModel(m);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "cannot write model: tensor w3 of layer 1 has 84 floats, the header implies 96");
  }
  LlamaModel shared = TinyModel();
  shared.wcls = Matrix(10, 8);
  try {
    SerializeLlamaModel(shared);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "cannot write model: config says the classifier is shared but wcls is present");
  }
}

}  // namespace
}  // namespace flexcim::pruner
