// Issue 7: every failure class a careful user can hit with bad input, one
// test each, named after the class, through the binary as users run it:
// exact message, exact exit code, and for the data-loss classes the user's
// files byte for byte afterwards. Policy: docs/ROBUSTNESS.md.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/tests/cli_run.h"
#include "core/errors.h"
#include "core/sha256.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/model_writer.h"
#include "flow_pruner/pruned_container.h"
#include "flow_pruner/tokenizer.h"
#include "golden/layer_runner.h"

namespace flexcim {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::Flexcim;
using testing::Scratch;
using testing::Slurp;
using testing::WriteBytes;

// Every regular file under `dir` (hidden ones too) with its bytes.
std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = Slurp(e.path());
  }
  return files;
}

// ---------------------------------------------------------------- model side

// A llama2.c model of the given width and vocabulary (all weights 0.01).
void WriteTinyModel(const fs::path& path, int dim, int vocab) {
  pruner::LlamaConfig c;
  c.dim = dim;
  c.hidden_dim = 2 * dim;
  c.n_layers = 1;
  c.n_heads = 2;
  c.n_kv_heads = 2;
  c.vocab_size = vocab;
  c.shared_classifier = true;
  c.seq_len = 64;
  pruner::LlamaModel m = pruner::AllocateLlamaModel(c);
  for (const pruner::TensorRef& t : pruner::TensorsInFileOrder(m)) std::fill(t.data, t.data + t.size, 0.01f);
  pruner::WriteLlamaModel(m, path.string());
}

// A llama2.c tokenizer with exactly `pieces` (scores 0).
void WriteTokenizer(const fs::path& path, const std::vector<std::string>& pieces) {
  std::string b;
  auto i32 = [&](int32_t v) { b.append(reinterpret_cast<const char*>(&v), 4); };
  i32(8);
  for (const std::string& p : pieces) {
    const float score = 0.0f;
    b.append(reinterpret_cast<const char*>(&score), 4);
    i32(static_cast<int32_t>(p.size()));
    b += p;
  }
  WriteBytes(path, b);
}

// <unk> <s> </s>, the 256 byte pieces, then " " and the letters: vocabulary 286.
std::vector<std::string> FullPieces() {
  std::vector<std::string> p = {"<unk>", "<s>", "</s>"};
  for (int b = 0; b < 256; ++b) p.push_back(fmt::format("<0x{:02X}>", b));
  p.push_back(" ");
  for (char c = 'a'; c <= 'z'; ++c) p.push_back(std::string(1, c));
  return p;
}

TEST(Robustness, TokenIdsOutsideTheVocabulary) {
  // A model whose vocabulary (10) is smaller than the tokenizer's byte
  // fallback range (ids 3..258): 'z' has no piece, its fallback id 125 does
  // not exist. Used to index past the vocabulary and crash eval and prune.
  Scratch s;
  WriteTinyModel(s.path() / "m.bin", 4, 10);
  WriteTokenizer(s.path() / "t.bin", {"<unk>", "<s>", "</s>", " ", "a", "b", "c", "d", "e", "f"});
  WriteBytes(s.path() / "x.txt", "abc\n\nzz");
  const std::string inputs = fmt::format("--model {} --tokenizer {} --text {}", (s.path() / "m.bin").string(),
                                         (s.path() / "t.bin").string(), (s.path() / "x.txt").string());
  const std::string message = fmt::format(
      "{}: byte 0x7A of the text (byte fallback, no piece for it) needs token id 125, but the vocabulary has "
      "only 10 entries\n",
      (s.path() / "t.bin").string());
  const CliRun eval = Flexcim("eval --blocks 0:1 -q " + inputs);
  EXPECT_EQ(eval.code, 1);
  EXPECT_EQ(eval.err, "flexcim eval: error: " + message);
  const CliRun prune = Flexcim(fmt::format("prune --method uniform --nm 2:4 --calib-blocks 1:1 --no-eval -q --out {} {}",
                                           (s.path() / "p").string(), inputs));
  EXPECT_EQ(prune.code, 1);
  EXPECT_EQ(prune.err, "flexcim prune: error: " + message);
  EXPECT_FALSE(fs::exists(s.path() / "p"));
}

TEST(Robustness, BlockLongerThanTheContextIsAnErrorNamingIt) {
  // seq_len 64: block 1 encodes to BOS + " " + 70 letters = 72 tokens. Not
  // truncated (its perplexity would silently differ): eval and prune stop
  // with the block's index and length, before any work.
  Scratch s;
  WriteTinyModel(s.path() / "m.bin", 4, static_cast<int>(FullPieces().size()));
  WriteTokenizer(s.path() / "t.bin", FullPieces());
  WriteBytes(s.path() / "x.txt", "abc\n\n" + std::string(70, 'q') + "\n\nabc");
  const std::string inputs = fmt::format("--model {} --tokenizer {} --text {}", (s.path() / "m.bin").string(),
                                         (s.path() / "t.bin").string(), (s.path() / "x.txt").string());
  const std::string message =
      fmt::format("{}: block 1 has 72 tokens, more than the model's seq_len 64\n", (s.path() / "x.txt").string());
  const CliRun eval = Flexcim("eval --blocks 0:2 -q " + inputs);
  EXPECT_EQ(eval.code, 1);
  EXPECT_EQ(eval.err, "flexcim eval: error: " + message);
  EXPECT_EQ(Flexcim("eval --blocks 2:2 -q " + inputs).code, 0);  // the other blocks fit
  const CliRun outside = Flexcim("eval --blocks 2:3 -q " + inputs);  // the text has 3 blocks
  EXPECT_EQ(outside.code, 2);
  EXPECT_EQ(outside.err,
            "flexcim eval: error: --blocks '2:3' is out of range: the text has 3 blocks, valid indices 0..2\n");
  const CliRun prune = Flexcim(fmt::format("prune --method uniform --nm 2:4 --calib-blocks 0:2 --no-eval -q --out {} {}",
                                           (s.path() / "p").string(), inputs));
  EXPECT_EQ(prune.code, 1);
  EXPECT_EQ(prune.err, "flexcim prune: error: " + message);
  EXPECT_FALSE(fs::exists(s.path() / "p"));
}

TEST(Robustness, ModelNarrowerThanMIsNotReportedAsPruned) {
  // dim 4 < M = 8: every row keeps min(N, 4) of its 4 inputs, nothing is
  // pruned; it used to report the 0.75 target as met.
  Scratch s;
  WriteTinyModel(s.path() / "m.bin", 4, static_cast<int>(FullPieces().size()));
  WriteTokenizer(s.path() / "t.bin", FullPieces());
  WriteBytes(s.path() / "x.txt", "abc def\n\nghi");
  const CliRun r = Flexcim(fmt::format(
      "prune --method uniform --nm 2:8 --calib-blocks 0:1 --no-eval -q --out {} --model {} --tokenizer {} --text {}",
      (s.path() / "p").string(), (s.path() / "m.bin").string(), (s.path() / "t.bin").string(),
      (s.path() / "x.txt").string()));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(r.err,
            "flexcim prune: error: pattern 2:8 for block 0: layer wq has 4 inputs, fewer than M = 8, so N:M would "
            "prune nothing there; use patterns with M <= 4 for this model\n");
  EXPECT_FALSE(fs::exists(s.path() / "p"));
}

TEST(Robustness, LibraryExceptionsNameTheFile) {
  // A vocabulary far larger than the file: a message, not vector::reserve's
  // length_error or std::bad_alloc.
  std::string bytes(12, '\0');
  bytes[0] = 8;
  try {
    pruner::Tokenizer::Parse(bytes, INT_MAX, "tok.bin");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "tok.bin: tokenizer has less data than vocab_size 2147483647 entries: the file (12 bytes) ends inside "
              "entry 1");
  }
  // JSON the report reads: a syntax error and a wrong type, each naming the file.
  Scratch s;
  fs::create_directories(s.path() / "run" / "prune");
  fs::create_directories(s.path() / "run" / "map");
  WriteBytes(s.path() / "run" / "prune" / "prune.json", "{");
  CliRun r = Flexcim(fmt::format("report --run {}", (s.path() / "run").string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err.rfind(fmt::format("flexcim report: error: {}: not valid JSON: parse error at line 1, column 2: ",
                                    (s.path() / "run" / "prune" / "prune.json").string()),
                        0),
            0u)
      << r.err;
  fs::remove(s.path() / "run" / "prune" / "prune.json");
  WriteBytes(s.path() / "run" / "map" / "map.json",
             R"({"config": 5, "tokens": 1, "latency": 1, "total": {"tiles": 1, "cycles": 1, "utilisation": 1}})");
  r = Flexcim(fmt::format("report --run {}", (s.path() / "run").string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim report: error: {}: unexpected content: type must be string, but is number\n",
                               (s.path() / "run" / "map" / "map.json").string()));
}

// ---------------------------------------------------------------- container

struct ContainerFile {
  std::string header;   // the JSON header
  std::string payload;  // the payload bytes
};

uint32_t U32(const std::string& b, size_t at) {
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}

ContainerFile Split(const std::string& file) {
  const uint32_t h = U32(file, 12);
  return {file.substr(16, h), file.substr(20 + h, U32(file, 16 + h))};
}

// Rebuilds a container with a valid checksum around `header` and `payload`.
std::string Seal(const std::string& header, const std::string& payload) {
  auto u32 = [](uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); };
  std::string f = "FLXPRUNE" + u32(1) + u32(static_cast<uint32_t>(header.size())) + header +
                  u32(static_cast<uint32_t>(payload.size())) + payload;
  const std::string hex = Sha256Hex(f);
  for (size_t i = 0; i < 32; ++i) f += static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return f;
}

// Writes SmallContainer with `edit` applied to its header; returns map's run.
CliRun MapWithHeader(const Scratch& s, const std::function<void(nlohmann::json&)>& edit, std::string* payload_out) {
  pruner::WriteContainer(testing::SmallContainer(), s.path() / "good.flexcim");
  ContainerFile c = Split(Slurp(s.path() / "good.flexcim"));
  nlohmann::json h = nlohmann::json::parse(c.header);
  edit(h);
  WriteBytes(s.path() / "bad.flexcim", Seal(h.dump(), c.payload));
  if (payload_out) *payload_out = c.payload;
  return Flexcim(fmt::format("map --pruned {} --out {}", (s.path() / "bad.flexcim").string(),
                             (s.path() / "map").string()));
}

TEST(Robustness, ContainerFieldsAreValidatedNamingFileAndLayer) {
  Scratch s;
  const std::string bad = (s.path() / "bad.flexcim").string();
  std::string payload;
  // Negative offset with a valid checksum: used to read before the payload.
  CliRun r = MapWithHeader(s, [](nlohmann::json& h) { h["layers"][0]["mask_offset"] = -5; }, &payload);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim map: error: {}: layer 0.wq: 'mask_offset' is -5; must be an integer in [0, {}]\n",
                               bad, payload.size()));
  // An offset that wraps around 64 bits.
  r = MapWithHeader(s, [](nlohmann::json& h) { h["layers"][0]["weights_offset"] = UINT64_MAX; }, nullptr);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim map: error: {}: layer 0.wq: 'weights_offset' is 18446744073709551615; must be "
                               "an integer in [0, {}]\n",
                               bad, payload.size()));
  // In range but the layer's data runs past the end.
  r = MapWithHeader(s, [&](nlohmann::json& h) { h["layers"][0]["scales_offset"] = payload.size() - 2; }, nullptr);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim map: error: {}: layer 0.wq: points outside the payload ({} bytes)\n", bad,
                               payload.size()));
  // A shape larger than the payload, a negative shape, a fractional one.
  r = MapWithHeader(s, [](nlohmann::json& h) { h["layers"][0]["rows"] = 1 << 20; }, nullptr);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim map: error: {}: layer 0.wq: shape 1048576x8 needs more mask bits than the "
                               "payload's {} bytes hold\n",
                               bad, payload.size()));
  r = MapWithHeader(s, [](nlohmann::json& h) { h["layers"][0]["cols"] = -8; }, nullptr);
  EXPECT_EQ(r.err, fmt::format("flexcim map: error: {}: layer 0.wq: 'cols' is -8; must be an integer in [1, 16777216]\n",
                               bad));
  r = MapWithHeader(s, [](nlohmann::json& h) { h["layers"][0]["rows"] = 4.5; }, nullptr);
  EXPECT_EQ(r.err, fmt::format("flexcim map: error: {}: layer 0.wq: 'rows' is 4.5; must be an integer in [1, 16777216]\n",
                               bad));
  // A pattern the macro cannot run although the header says hardware_legal.
  r = MapWithHeader(s, [](nlohmann::json& h) { h["layers"][0]["n"] = 4; h["layers"][0]["m"] = 8; }, nullptr);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim map: error: {}: layer 0.wq: pattern 4:8 is not one macro p2_r2_c2_g1_a8_w8 "
                               "runs, although the header says hardware_legal\n",
                               bad));
  // Weight width beyond the macro's W.
  r = MapWithHeader(s, [](nlohmann::json& h) { h["w_bits"] = 40; }, nullptr);
  EXPECT_EQ(r.err, fmt::format("flexcim map: error: {}: header: 'w_bits' is 40; must be an integer in [2, 8]\n", bad));
  EXPECT_FALSE(fs::exists(s.path() / "map"));
}

TEST(Robustness, CorruptContainerIsNotAUsageError) {
  // The header's macro is a file field, not a flag the user passed: exit 1,
  // worded with the header's keys.
  Scratch s;
  CliRun r = MapWithHeader(s, [](nlohmann::json& h) { h["macro"]["P"] = 3; }, nullptr);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim map: error: {}: header 'macro': P = 3: must be a power of two in [1, 16]\n",
                               (s.path() / "bad.flexcim").string()));
  r = MapWithHeader(s, [](nlohmann::json& h) { h["macro"]["G"] = 4; }, nullptr);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim map: error: {}: header 'macro': G = 4: must be a power of two in [1, 2]\n",
                               (s.path() / "bad.flexcim").string()));
}

// ---------------------------------------------------------------- outputs

TEST(Robustness, OutputDirectoryIsReplacedOnlyWhenItsMarkerSaysSo) {
  Scratch s;
  // A user's project that happens to hold a manifest.json.
  const fs::path project = s.path() / "project";
  fs::create_directories(project / "src");
  WriteBytes(project / "manifest.json", "{\"name\": \"my app\"}\n");
  WriteBytes(project / "src" / "main.c", "int main() { return 0; }\n");
  const auto before = Snapshot(project);
  CliRun r = Flexcim(fmt::format("gen --subs 2 --rows 4 --cols 4 --out {}", project.string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim gen: error: refusing to replace '{}': it is neither empty nor an earlier "
                               "output of 'flexcim gen' (no .flexcim-output marker); choose another directory or "
                               "remove it\n",
                               project.string()));
  EXPECT_EQ(Snapshot(project), before);
  // A file named like the marker is not enough: its content must say so.
  WriteBytes(project / ".flexcim-output", "not ours\n");
  r = Flexcim(fmt::format("gen --subs 2 --rows 4 --cols 4 --out {}", project.string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(Snapshot(project).size(), before.size() + 1);
  // A synth run's directory (report.json beside its netlists) is not a report output.
  const fs::path synth = s.path() / "synth";
  fs::create_directories(synth / "work");
  WriteBytes(synth / "report.json", "{\"results\": []}\n");
  WriteBytes(synth / "work" / "mapped.v", "module m; endmodule\n");
  fs::create_directories(s.path() / "run" / "map");
  WriteBytes(s.path() / "run" / "map" / "map.json",
             R"({"config": "p", "tokens": 1, "latency": 1, "total": {"tiles": 1, "cycles": 1, "utilisation": 1}})");
  const auto synth_before = Snapshot(synth);
  r = Flexcim(fmt::format("report --run {} --out {}", (s.path() / "run").string(), synth.string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(fmt::format("refusing to replace '{}'", synth.string())), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(synth), synth_before);
  // An earlier output of another command is not replaced either.
  const fs::path gen = s.path() / "gen";
  ASSERT_EQ(Flexcim(fmt::format("gen --subs 2 --rows 4 --cols 4 --out {}", gen.string())).code, 0);
  const auto gen_before = Snapshot(gen);
  r = Flexcim(fmt::format("report --run {} --out {}", (s.path() / "run").string(), gen.string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim report: error: refusing to replace '{}': it holds the output of 'flexcim gen', "
                               "not of 'flexcim report'; choose another directory or remove it\n",
                               gen.string()));
  EXPECT_EQ(Snapshot(gen), gen_before);
  // Its own earlier output is replaced.
  EXPECT_EQ(Flexcim(fmt::format("gen --subs 2 --rows 4 --cols 8 --out {}", gen.string())).code, 0);
  EXPECT_TRUE(fs::exists(gen / "flexcim_mul_p2_r4_c8_g8_a8_w8.v"));
}

TEST(Robustness, OutputThatIsOrContainsAnInputIsRefused) {
  Scratch s;
  const fs::path out = s.path() / "out";
  fs::create_directories(out);
  pruner::WriteContainer(testing::SmallContainer(), out / "pruned.flexcim");
  const auto before = Snapshot(out);
  CliRun r = Flexcim(fmt::format("map --pruned {} --out {}", (out / "pruned.flexcim").string(), out.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, fmt::format("flexcim map: error: --out {}: contains the input --pruned {}; choose another output\n",
                               out.string(), (out / "pruned.flexcim").string()));
  EXPECT_EQ(Snapshot(out), before);
  // --json naming an input.
  const fs::path model = s.path() / "m.bin";
  WriteTinyModel(model, 4, 285);
  const std::string model_bytes = Slurp(model);
  r = Flexcim(fmt::format("eval --model {} --json {}", model.string(), model.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, fmt::format("flexcim eval: error: --json {}: is the input --model {}; choose another output\n",
                               model.string(), model.string()));
  EXPECT_EQ(Slurp(model), model_bytes);
  // prune --out around the model.
  r = Flexcim(fmt::format("prune --model {} --out {}", model.string(), s.path().string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, fmt::format("flexcim prune: error: --out {}: contains the input --model {}; choose another output\n",
                               s.path().string(), model.string()));
  EXPECT_EQ(Slurp(model), model_bytes);
  // verify --json naming its stimulus, refused before anything is built.
  r = Flexcim(fmt::format("verify --subs 2 --rows 4 --cols 4 --stimulus {} --json {}", model.string(), model.string()));
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, fmt::format("flexcim verify: error: --json {}: is the input --stimulus {}; choose another output\n",
                               model.string(), model.string()));
  EXPECT_EQ(Slurp(model), model_bytes);
}

TEST(Robustness, FullDiskIsAnErrorNotAnEmptyFile) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const std::string data = std::getenv("FLEXCIM_DATA") ? std::getenv("FLEXCIM_DATA") : FLEXCIM_DATA_DIR;
  const CliRun r = Flexcim(fmt::format("eval --blocks 0:0 -q --data-dir {} --json /dev/full", data));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "flexcim eval: error: /dev/full: write failed: No space left on device\n");
}

TEST(Robustness, InputThatIsNotARegularFileIsRefused) {
  Scratch s;
  const fs::path fifo = s.path() / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // A regression would hang on the FIFO: Flexcim() kills it after 300 s.
  CliRun r = Flexcim(fmt::format("map --pruned {} --out {}", fifo.string(), (s.path() / "m").string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim map: error: {}: not a regular file (a FIFO)\n", fifo.string()));
  r = Flexcim(fmt::format("eval --text {}", fifo.string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim eval: error: {}: not a regular file (a FIFO)\n", fifo.string()));
  r = Flexcim(fmt::format("eval --model {}", s.path().string()));
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, fmt::format("flexcim eval: error: {}: not a regular file (a directory) and not a Hugging Face "
                               "checkpoint (no config.json)\n",
                               s.path().string()));
}

// ---------------------------------------------------------------- flags

struct FlagCase {
  std::string args, err;
};

void ExpectUsageErrors(const std::vector<FlagCase>& cases) {
  for (const FlagCase& c : cases) {
    const CliRun r = Flexcim(c.args);
    EXPECT_EQ(r.code, 2) << c.args;
    EXPECT_EQ(r.err, c.err) << c.args;
  }
}

TEST(Robustness, NumericFlagsAreRangeChecked) {
  ExpectUsageErrors({
      {"verify --seed -1", "flexcim verify: error: --seed -1: must be a non-negative integer (see 'flexcim verify --help')\n"},
      {"map --pruned p --out o --seed=-3",
       "flexcim map: error: --seed -3: must be a non-negative integer (see 'flexcim map --help')\n"},
      {"gen --sel-group -1 --out x", "flexcim gen: error: --sel-group -1: must be a power of two in [1, 16]\n"},
      {"verify --vectors 99999999999",
       "flexcim verify: error: the argument ('99999999999') for option '--vectors' is invalid (see 'flexcim verify "
       "--help')\n"},
      {"map --pruned p --out o --tokens 4294967297", "flexcim map: error: --tokens 4294967297: must be in [1, 4294967296]\n"},
      {"synth --input-activity nan", "flexcim synth: error: --input-activity nan: must be a finite number (see 'flexcim "
                                     "synth --help')\n"},
      {"synth --input-activity 1.5", "flexcim synth: error: --input-activity 1.5: must be a toggle rate in [0, 1]\n"},
      {"synth --activity wr_en=-0.5", "flexcim synth: error: --activity wr_en=-0.5: RATE must be a toggle rate in [0, 1]\n"},
      {"synth --activity wr_en=nan", "flexcim synth: error: --activity wr_en=nan: RATE must be a toggle rate in [0, 1]\n"},
      {"synth --activity =0.5", "flexcim synth: error: --activity =0.5: expected PORT=RATE\n"},
      {"synth --jobs 0", "flexcim synth: error: --jobs 0: must be >= 1\n"},
  });
}

TEST(Robustness, NoPositionalArgumentsEmptyValuesOrAbbreviations) {
  ExpectUsageErrors({
      {"gen --sub 2 --out x", "flexcim gen: error: unrecognised option '--sub' (see 'flexcim gen --help')\n"},
      {"gen --out x extra", "flexcim gen: error: unexpected argument 'extra': this command takes only --flags (see "
                            "'flexcim gen --help')\n"},
      {"gen --out ''", "flexcim gen: error: --out: empty value (see 'flexcim gen --help')\n"},
      {"verify --json ''", "flexcim verify: error: --json: empty value (see 'flexcim verify --help')\n"},
  });
}

TEST(Robustness, ActivityJsonIsRangeChecked) {
  Scratch s;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"input_toggle_rates": {"in_act": 1.5}})", "toggle rate of port 'in_act' is 1.5; must be a number in [0, 1]"},
      {R"({"input_toggle_rates": {"in_act": -0.1}})", "toggle rate of port 'in_act' is -0.1; must be a number in [0, 1]"},
      {R"({"input_toggle_rates": {"in_act": "high"}})",
       "toggle rate of port 'in_act' is \"high\"; must be a number in [0, 1]"},
      {R"({"input_toggle_rates": {"": 0.5}})", "input_toggle_rates has an empty port name"},
  };
  const fs::path f = s.path() / "v.json";
  for (const auto& [json, what] : cases) {
    WriteBytes(f, json);
    const CliRun r = Flexcim(fmt::format("synth --activity-from {} --out {}", f.string(), (s.path() / "r").string()));
    EXPECT_EQ(r.code, 1) << json;  // bad content: a runtime error naming the file
    EXPECT_EQ(r.err, fmt::format("flexcim synth: error: --activity-from {}: {}\n", f.string(), what)) << json;
  }
  EXPECT_FALSE(fs::exists(s.path() / "r"));
}

TEST(Robustness, CycleCountsCannotOverflow) {
  const MacroConfig c = MacroConfig::Default();
  EXPECT_EQ(golden::LayerCycles(c, 3, 10),
            3 * (c.tile_load_span() + 10 + c.pipeline_latency()));
  try {
    golden::LayerCycles(c, int64_t{1} << 40, int64_t{1} << 32);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "LayerCycles: 1099511627776 tiles x 4294967296 tokens overflows a 64-bit cycle count");
  }
}

// ---------------------------------------------------------------- rtl_out

TEST(Robustness, GenWritesToRtlOutByDefault) {
  Scratch s;
  const std::string gen = "gen --subs 2 --rows 4 --cols 4";
  CliRun r = Flexcim(gen, s.path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "wrote 12 files and manifest.json to rtl_out/p2_r4_c4_g4_a8_w8: top flexcim_top, latency "
                   + std::to_string(MacroConfig::Create({.subs = 2, .rows = 4, .cols = 4, .sel_group = 0, .a_bits = 8, .w_bits = 8}).pipeline_latency()) + "\n");
  EXPECT_TRUE(fs::is_regular_file(s.path() / "rtl_out" / "p2_r4_c4_g4_a8_w8" / "manifest.json"));
  // Again: its own earlier output is replaced; a baseline lands beside it.
  EXPECT_EQ(Flexcim(gen, s.path()).code, 0);
  EXPECT_EQ(Flexcim(gen + " --arch dense", s.path()).code, 0);
  EXPECT_TRUE(fs::is_regular_file(s.path() / "rtl_out" / "dense_p2_r4_c4_a8_w8" / "manifest.json"));
  // In the repository, git ignores everything there but the README.
  const char* src = std::getenv("FLEXCIM_SOURCE_DIR");
  if (src == nullptr || !fs::exists(fs::path(src) / ".git")) GTEST_SKIP() << "not a git checkout";
  EXPECT_TRUE(fs::is_regular_file(fs::path(src) / "rtl_out" / "README.md"));
  const std::string git = fmt::format("git -C {} check-ignore -q", src);
  EXPECT_EQ(std::system((git + " rtl_out/p2_r4_c4_g4_a8_w8/manifest.json").c_str()), 0);
  EXPECT_NE(std::system((git + " rtl_out/README.md").c_str()), 0);
}

}  // namespace
}  // namespace flexcim
