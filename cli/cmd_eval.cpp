// flexcim eval: perplexity of a llama2.c model on blank-line-separated text
// blocks with the README protocol (BOS + dummy prefix per block, no EOS,
// mean next-token NLL over all predictions).
#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "core/errors.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/perplexity.h"
#include "flow_pruner/text_blocks.h"
#include "flow_pruner/tokenizer.h"

namespace flexcim::cli {
namespace {

constexpr const char* kSynopsis =
    "[--model M.bin] [--tokenizer T.bin] [--text F.txt] [--blocks A:B] [--threads N] "
    "[--json FILE] [--quiet]";

struct EvalOptions {
  std::string data_dir;
  std::string model;      // default: <data-dir>/stories260K.bin
  std::string tokenizer;  // default: <data-dir>/tok512.bin
  std::string text;       // default: <data-dir>/tinystories-valid-head.txt
  std::string blocks = "3300:4299";
  int threads = 0;
  std::string json;
  bool quiet = false;
};

po::options_description EvalFlags(EvalOptions& o) {
  po::options_description d("eval flags");
  d.add_options()
      ("model", po::value(&o.model), "llama2.c legacy .bin model (default <data-dir>/stories260K.bin)")
      ("tokenizer", po::value(&o.tokenizer),
       "llama2.c tokenizer .bin with the model's vocab_size entries (default <data-dir>/tok512.bin)")
      ("text", po::value(&o.text),
       "UTF-8 text split on blank lines into blocks (default <data-dir>/tinystories-valid-head.txt)")
      ("blocks", po::value(&o.blocks)->default_value(o.blocks),
       "inclusive block slice A:B (or A) to evaluate")
      ("threads", po::value(&o.threads)->default_value(o.threads),
       "worker threads; 0 = all hardware threads (results do not depend on it)")
      ("json", po::value(&o.json), "also write the result as JSON to this file")
      ("quiet,q", po::bool_switch(&o.quiet), "no progress line on stderr");
  AddDataDirOption(d, o.data_dir);
  return d;
}

int RunEval(const std::vector<std::string>& args) {
  EvalOptions o;
  const auto vm = ParseFlags(args, EvalFlags(o), "eval", kSynopsis);
  if (!vm) return 0;
  if (o.threads < 0) throw UsageError(fmt::format("--threads {}: must be >= 0", o.threads));
  if (o.model.empty()) o.model = o.data_dir + "/stories260K.bin";
  if (o.tokenizer.empty()) o.tokenizer = o.data_dir + "/tok512.bin";
  if (o.text.empty()) o.text = o.data_dir + "/tinystories-valid-head.txt";

  using namespace flexcim::pruner;
  const LlamaModel model = LoadLlamaModel(o.model);
  const Tokenizer tokenizer = Tokenizer::Load(o.tokenizer, model.config.vocab_size);
  const std::vector<std::string> all_blocks = ReadTextBlocks(o.text);
  const BlockSlice slice = ParseBlockSlice(o.blocks, static_cast<int>(all_blocks.size()));
  const auto sequences = EncodeBlocks(tokenizer, SelectBlocks(all_blocks, slice));
  for (size_t i = 0; i < sequences.size(); ++i) {
    if (static_cast<int>(sequences[i].size()) > model.config.seq_len) {
      throw Error(fmt::format("{}: block {} has {} tokens, more than the model's seq_len {}",
                              o.text, slice.first + i, sequences[i].size(),
                              model.config.seq_len));
    }
  }

  PerplexityOptions options;
  options.threads = o.threads;
  options.progress = !o.quiet;
  const PerplexityResult r = EvaluatePerplexity(model, sequences, options);

  std::cout << fmt::format(
      "{}: blocks {} ({} blocks, {} tokens): mean NLL {:.6f} nats/token over {} predictions, "
      "perplexity {:.4f} ({:.2f} s, {:.0f} tokens/s, {} threads)\n",
      o.model, slice.ToString(), r.sequences, r.tokens, r.mean_nll(), r.predictions,
      r.perplexity(), r.seconds, r.tokens_per_second(), r.threads);

  if (!o.json.empty()) {
    const nlohmann::json j = {
        {"model", o.model},
        {"tokenizer", o.tokenizer},
        {"text", o.text},
        {"blocks", slice.ToString()},
        {"num_blocks", r.sequences},
        {"tokens", r.tokens},
        {"predictions", r.predictions},
        {"total_nll", r.total_nll},
        {"mean_nll", r.mean_nll()},
        {"perplexity", r.perplexity()},
        {"seconds", r.seconds},
        {"tokens_per_second", r.tokens_per_second()},
        {"threads", r.threads},
    };
    std::ofstream out(o.json);
    out << j.dump(2) << "\n";
    if (!out) throw Error(fmt::format("{}: cannot write", o.json));
  }
  return 0;
}

const CommandRegistrar kRegistrar(Command{
    "eval", "perplexity of a llama2.c model on text blocks (README protocol)", RunEval});

}  // namespace
}  // namespace flexcim::cli
