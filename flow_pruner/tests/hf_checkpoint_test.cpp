// The shipped stories260K converted to Hugging Face checkpoints by the test
// code (F32 and BF16, q/k permuted to rotate-half order, single file and
// sharded): the reader gives the .bin model's weights, perplexity and FLOW
// assignment, and prune -> write -> read is bit-exact.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "flow_pruner/file_bytes.h"
#include "flow_pruner/model_reader.h"
#include "flow_pruner/model_writer.h"
#include "flow_pruner/perplexity.h"
#include "flow_pruner/prune_outputs.h"
#include "flow_pruner/prune_pipeline.h"
#include "flow_pruner/quantized_eval.h"
#include "flow_pruner/text_blocks.h"
#include "flow_pruner/tokenizer.h"
#include "flow_pruner/tests/hf_test_checkpoint.h"
#include "flow_pruner/tests/test_data.h"

namespace flexcim::pruner {
namespace {

namespace fs = std::filesystem;

struct Fixture {
  LlamaModel bin;
  std::vector<std::vector<int>> blocks_0_99;
  std::vector<std::vector<int>> calibration;  // blocks 0..63
};

const Fixture& Data() {
  static const Fixture* f = [] {
    auto* d = new Fixture{LoadLlamaModel(testdata::CheckedDataFile("stories260K.bin")), {}, {}};
    const Tokenizer tok = Tokenizer::Load(testdata::CheckedDataFile("tok512.bin"), 512);
    const auto blocks = ReadTextBlocks(testdata::CheckedDataFile("tinystories-valid-head.txt"));
    d->blocks_0_99 = EncodeBlocks(tok, SelectBlocks(blocks, ParseBlockSlice("0:99", 4300, "--calib-blocks")));
    d->calibration = EncodeBlocks(tok, SelectBlocks(blocks, ParseBlockSlice("0:63", 4300, "--calib-blocks")));
    return d;
  }();
  return *f;
}

PerplexityResult Ppl(const LlamaModel& m) {
  PerplexityOptions o;
  o.progress = false;
  return EvaluatePerplexity(m, Data().blocks_0_99, o);
}

// Every trained tensor (freq_cis aside) of `a` equals `b`'s bit for bit.
void ExpectSameWeights(const LlamaModel& a, const LlamaModel& b) {
  auto ta = TensorsInFileOrder(a);
  auto tb = TensorsInFileOrder(b);
  ASSERT_EQ(ta.size(), tb.size());
  for (size_t i = 0; i < ta.size(); ++i) {
    if (ta[i].name.starts_with("freq_cis")) continue;
    ASSERT_EQ(ta[i].size, tb[i].size) << ta[i].name;
    ASSERT_EQ(std::memcmp(ta[i].data, tb[i].data, ta[i].size * 4), 0) << ta[i].name << " layer " << ta[i].layer;
  }
}

TEST(HfCheckpoint, F32SingleFileHasTheBinWeightsAndPerplexity) {
  const std::string dir = testdata::MakeTempDir() + "/hf";
  testhf::WriteLlamaAsHf(Data().bin, dir, "F32");
  const LlamaModel hf = LoadModel(dir);
  ASSERT_TRUE(hf.hf.has_value());
  EXPECT_EQ(DescribeModelFormat(hf), "Hugging Face LlamaForCausalLM (F32)");
  EXPECT_EQ(hf.config.dim, 64);
  EXPECT_EQ(hf.config.n_kv_heads, 4);
  EXPECT_TRUE(hf.config.shared_classifier);
  EXPECT_EQ(hf.config.rms_eps, 1e-5f);
  ExpectSameWeights(hf, Data().bin);
  const PerplexityResult a = Ppl(Data().bin);
  const PerplexityResult b = Ppl(hf);
  EXPECT_EQ(a.predictions, 9619);
  EXPECT_EQ(b.predictions, 9619);
  EXPECT_NEAR(b.mean_nll(), a.mean_nll(), 1e-5 * a.mean_nll());
  // Same weights, same deterministic forward pass: in fact identical.
  EXPECT_EQ(b.total_nll, a.total_nll);
}

TEST(HfCheckpoint, Bf16ShardedEqualsTheBf16RoundedBinModel) {
  const LlamaModel rounded = testhf::RoundedToBf16(Data().bin);
  // The .bin path: the rounded weights through the llama2.c writer and reader.
  const std::string tmp = testdata::MakeTempDir();
  WriteLlamaModel(rounded, tmp + "/rounded.bin");
  const LlamaModel via_bin = LoadModel(tmp + "/rounded.bin");
  testhf::WriteLlamaAsHf(Data().bin, tmp + "/hf", "BF16", /*shards=*/3);
  ASSERT_TRUE(fs::exists(tmp + "/hf/model-00003-of-00003.safetensors"));
  const LlamaModel via_hf = LoadModel(tmp + "/hf");
  EXPECT_EQ(DescribeModelFormat(via_hf), "Hugging Face LlamaForCausalLM (BF16)");
  ExpectSameWeights(via_hf, via_bin);
  const PerplexityResult a = Ppl(via_bin);
  const PerplexityResult b = Ppl(via_hf);
  EXPECT_EQ(b.total_nll, a.total_nll);
  EXPECT_EQ(b.predictions, a.predictions);
  // BF16 rounding moves the perplexity, but only a little.
  EXPECT_NE(a.total_nll, Ppl(Data().bin).total_nll);
  EXPECT_NEAR(a.mean_nll(), Ppl(Data().bin).mean_nll(), 0.01);
}

PruneResult Flow(const LlamaModel& m) {
  PruneSettings s;
  s.progress = false;
  return RunPrune(m, Data().calibration, s, 8, 8, "");
}

TEST(HfCheckpoint, FlowAssignmentAndMasksEqualTheBinModels) {
  const std::string dir = testdata::MakeTempDir() + "/hf";
  testhf::WriteLlamaAsHf(Data().bin, dir, "F32");
  const PruneResult a = Flow(Data().bin);
  const PruneResult b = Flow(LoadModel(dir));
  ASSERT_EQ(a.blocks.size(), b.blocks.size());
  for (size_t i = 0; i < a.blocks.size(); ++i) {
    EXPECT_EQ(a.blocks[i].pattern.ToString(), b.blocks[i].pattern.ToString()) << "block " << i;
    EXPECT_EQ(a.blocks[i].stats.outliers, b.blocks[i].stats.outliers) << "block " << i;
    EXPECT_EQ(a.blocks[i].kept, b.blocks[i].kept) << "block " << i;
  }
  EXPECT_EQ(a.assignment.objective, b.assignment.objective);
  ExpectSameWeights(a.pruned, b.pruned);
}

// Prune -> write -> read gives the pruned weights bit for bit, in the input
// dtype, and the written file has a well-formed header.
void CheckRoundTrip(const std::string& dtype) {
  const std::string tmp = testdata::MakeTempDir();
  testhf::WriteLlamaAsHf(Data().bin, tmp + "/hf", dtype, /*shards=*/2);
  const LlamaModel in = LoadModel(tmp + "/hf");
  const PruneResult r = Flow(in);
  const std::vector<std::string> files = WritePruneOutputs(r, std::nullopt, tmp + "/out");
  EXPECT_EQ(files, (std::vector<std::string>{"layers.txt", "prune.json", "config.json",
                                             "model.safetensors", "pruned.flexcim"}));
  EXPECT_EQ(ReadFileBytes(tmp + "/out/config.json"), ReadFileBytes(tmp + "/hf/config.json"));
  const LlamaModel back = LoadModel(tmp + "/out");
  ExpectSameWeights(back, r.pruned);
  EXPECT_EQ(DescribeModelFormat(back), "Hugging Face LlamaForCausalLM (" + dtype + ")");
  // Header: u64 length, JSON padded to 8, tensors tiling the buffer.
  const std::string bytes = ReadFileBytes(tmp + "/out/model.safetensors");
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  EXPECT_EQ(n % 8, 0u);
  const auto header = nlohmann::json::parse(bytes.substr(8, n));
  EXPECT_EQ(header["__metadata__"]["format"], "pt");
  uint64_t total = 0;
  for (const auto& [name, t] : header.items()) {
    if (name == "__metadata__") continue;
    EXPECT_EQ(t["dtype"], dtype) << name;
    total += t["data_offsets"][1].get<uint64_t>() - t["data_offsets"][0].get<uint64_t>();
  }
  EXPECT_EQ(8 + n + total, bytes.size());
  EXPECT_EQ(header["model.layers.0.self_attn.q_proj.weight"]["shape"], nlohmann::json({64, 64}));
  // Writing the reloaded model again gives the same bytes.
  PruneResult again = r;
  again.pruned = back;
  WritePruneOutputs(again, std::nullopt, tmp + "/out2");
  EXPECT_EQ(ReadFileBytes(tmp + "/out2/model.safetensors"), bytes);
  // --save-quantized: the W-bit fake-quantised weights, rounded to the dtype.
  WritePruneOutputs(r, std::nullopt, tmp + "/outq", /*fake_quantized_weights=*/true);
  LlamaModel expected = FakeQuantizeLinearWeights(r.pruned, r.container.w_bits);
  if (dtype == "BF16") expected = testhf::RoundedToBf16(expected);
  const LlamaModel quantized = LoadModel(tmp + "/outq");
  ExpectSameWeights(quantized, expected);
  EXPECT_NE(quantized.layers[0].wq.data, back.layers[0].wq.data);
}

TEST(HfCheckpoint, PruneWriteReadRoundTripIsBitExactF32) { CheckRoundTrip("F32"); }
TEST(HfCheckpoint, PruneWriteReadRoundTripIsBitExactBf16) { CheckRoundTrip("BF16"); }

TEST(HfCheckpoint, F16LoadsTheF16RoundedWeights) {
  const std::string dir = testdata::MakeTempDir() + "/hf";
  testhf::WriteLlamaAsHf(Data().bin, dir, "F16");
  const LlamaModel hf = LoadModel(dir);
  LlamaModel expected = Data().bin;
  for (const TensorRef& t : TensorsInFileOrder(expected)) {
    for (size_t i = 0; i < t.size; ++i) t.data[i] = testhf::RoundF16(t.data[i]);
  }
  ExpectSameWeights(hf, expected);
}

}  // namespace
}  // namespace flexcim::pruner
