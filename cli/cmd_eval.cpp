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
#include "cli/model_path_options.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/output_directory.h"
#include "flow_pruner/model_inputs.h"
#include "flow_pruner/model_reader.h"
#include "flow_pruner/perplexity.h"
#include "flow_pruner/text_blocks.h"

namespace flexcim::cli {
namespace {

constexpr const char* kSynopsis =
    "[--model M.bin|HF_DIR] [--tokenizer T.bin|T.model] [--text F.txt | --token-ids F] [--blocks A:B] [--threads N] "
    "[--json FILE] [--quiet]";

struct EvalOptions {
  ModelPathFlags paths;
  std::string blocks = "3300:4299";
  int threads = 0;
  std::string json;
  bool quiet = false;
};

po::options_description EvalFlags(EvalOptions& o) {
  po::options_description d = ModelPathOptions(o.paths);
  po::options_description own("eval flags");
  own.add_options()
      ("blocks", po::value(&o.blocks)->default_value(o.blocks),
       "inclusive block slice A:B (or A) to evaluate")
      ("threads", po::value(&o.threads)->default_value(o.threads),
       "worker threads; 0 = all hardware threads (results do not depend on it)")
      ("json", po::value(&o.json), "also write the result as JSON to this file")
      ("quiet,q", po::bool_switch(&o.quiet), "no progress line on stderr");
  d.add(own);
  return d;
}

int RunEval(const std::vector<std::string>& args) {
  EvalOptions o;
  const auto vm = ParseFlags(args, EvalFlags(o), "eval", kSynopsis);
  if (!vm) return 0;
  if (o.threads < 0) throw UsageError(fmt::format("--threads {}: must be >= 0", o.threads));
  using namespace flexcim::pruner;
  const ModelPaths paths = o.paths.Resolve();
  RefuseOutputOverInputs({"--json", o.json}, ModelInputFlags(paths));
  const ModelInputs inputs = ModelInputs::Load(paths);
  const LlamaModel& model = inputs.model;
  const BlockSlice slice = ParseBlockSlice(o.blocks, inputs.num_blocks());
  const auto sequences = inputs.EncodeSlice(o.blocks);

  PerplexityOptions options;
  options.threads = o.threads;
  options.progress = !o.quiet;
  const PerplexityResult r = EvaluatePerplexity(model, sequences, options);

  std::cout << fmt::format(
      "{}: blocks {} ({} blocks, {} tokens): mean NLL {:.6f} nats/token over {} predictions, "
      "perplexity {:.4f} ({:.2f} s, {:.0f} tokens/s, {} threads)\n",
      paths.model, slice.ToString(), r.sequences, r.tokens, r.mean_nll(), r.predictions,
      r.perplexity(), r.seconds, r.tokens_per_second(), r.threads);

  if (!o.json.empty()) {
    const nlohmann::json j = {
        {"model", paths.model},
        {"model_format", DescribeModelFormat(model)},
        {"tokenizer", paths.token_ids.empty() ? paths.tokenizer : ""},
        {"text", paths.token_ids.empty() ? paths.text : ""},
        {"token_ids", paths.token_ids},
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
    WriteFileAtomically(o.json, j.dump(2) + "\n");
  }
  return 0;
}

const CommandRegistrar kRegistrar(Command{
    "eval", "perplexity of a llama2.c or Hugging Face model on text blocks (README protocol)", RunEval});

}  // namespace
}  // namespace flexcim::cli
