// flexcim eval: perplexity of a llama2.c model on blank-line-separated text
// blocks with the README protocol (BOS + dummy prefix per block, no EOS,
// mean next-token NLL over all predictions). With --pruned DIR, the prune
// output's W/A fake-quantised model; with --on-macro as well, the same
// forward pass with every pruned linear layer run on the golden macro's
// integer tiles (flow_pruner/macro_linear_executor.h). A recurrent model (an
// rwkv.cpp file, a Hugging Face Mamba directory) is scored in fp32 with the
// same protocol, each block from an empty state (docs/RECURRENT.md).
#include <fmt/format.h>

#include <cmath>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "cli/model_path_options.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/output_directory.h"
#include "flow_pruner/container_model_match.h"
#include "flow_pruner/macro_linear_executor.h"
#include "flow_pruner/model_inputs.h"
#include "flow_pruner/model_reader.h"
#include "flow_pruner/perplexity.h"
#include "flow_pruner/prune_outputs.h"
#include "flow_pruner/pruned_container.h"
#include "flow_pruner/quantized_eval.h"
#include "flow_pruner/recurrent_inputs.h"
#include "flow_pruner/text_blocks.h"

namespace flexcim::cli {
namespace {

constexpr const char* kSynopsis =
    "[--model M.bin|HF_DIR] [--tokenizer T.bin|T.model] [--text F.txt | --token-ids F] [--blocks A:B] [--threads N] "
    "[--json FILE] [--quiet]\n"
    "       flexcim eval --pruned DIR [--on-macro [--subs P ... the target macro]] [--blocks A:B] ...";

struct EvalOptions {
  ModelPathFlags paths;
  std::string blocks = "3300:4299";
  int threads = 0;
  std::string json;
  bool quiet = false;
  std::string pruned;
  bool on_macro = false;
  MacroConfigFlags macro;
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
      ("quiet,q", po::bool_switch(&o.quiet), "no progress line on stderr")
      ("pruned", po::value(&o.pruned),
       "a `flexcim prune` output directory: evaluate its model (pruned.bin, or the Hugging Face "
       "files there) with every linear "
       "layer's weights and inputs fake-quantised to the W/A bits of pruned.flexcim")
      ("on-macro", po::bool_switch(&o.on_macro),
       "with --pruned: run every pruned linear layer on the golden macro (fast path) on its integer "
       "tiles instead; the prune output must be for the macro of the flags below");
  d.add(own);
  po::options_description macro("Target macro of --on-macro (FLEXCIM.md section 1)");
  macro.add(MacroConfigOptions(o.macro));
  d.add(macro);
  return d;
}

// The result line and, with --json, the JSON file.
void ReportEval(const EvalOptions& o, const pruner::ModelPaths& paths, const pruner::BlockSlice& slice,
                const pruner::PerplexityResult& r, const std::string& mode, const std::string& model_format) {
  if (!std::isfinite(r.perplexity())) {
    throw Error(fmt::format("{}: perplexity is {} (mean NLL {}): the model's outputs are not finite numbers, "
                            "no result is written",
                            paths.model, r.perplexity(), r.mean_nll()));
  }
  std::cout << fmt::format(
      "{}: blocks {} ({} blocks, {} tokens): mean NLL {:.6f} nats/token over {} predictions, "
      "perplexity {:.4f} ({:.2f} s, {:.0f} tokens/s, {} threads)\n",
      paths.model, slice.ToString(), r.sequences, r.tokens, r.mean_nll(), r.predictions,
      r.perplexity(), r.seconds, r.tokens_per_second(), r.threads);

  if (!o.json.empty()) {
    const nlohmann::json j = {
        {"model", paths.model},
        {"model_format", model_format},
        {"tokenizer", paths.token_ids.empty() && !paths.tokenizer.empty() ? paths.tokenizer : ""},
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
        {"mode", mode},
    };
    WriteFileAtomically(o.json, j.dump(2) + "\n");
  }
}

// A recurrent model (RWKV file, Mamba directory): fp32 perplexity, each
// block from an empty state.
// With a pruned container (--pruned DIR of a recurrent model's prune), its
// linear layers W/A fake-quantised or on the macro, the rest of the source
// model as it is.
int RunRecurrentEval(const EvalOptions& o, const pruner::ModelPaths& paths,
                     std::unique_ptr<pruner::RecurrentLanguageModel> model, bool tokenizer_given,
                     const pruner::PrunedContainer* container, const std::string& mode) {
  using namespace flexcim::pruner;
  const RecurrentInputs inputs = RecurrentInputs::Load(paths, std::move(model), tokenizer_given);
  const std::string container_path = (std::filesystem::path(o.pruned) / "pruned.flexcim").string();
  if (container && ModelSha256(paths.model) != container->source_model_sha256) {
    throw Error(fmt::format("{} does not belong to {}: its sha256 differs from the container's "
                            "source model (a model of another prune run?)",
                            paths.model, container_path));
  }
  const BlockSlice slice = ParseBlockSlice(o.blocks, inputs.num_blocks(), "--blocks");
  PerplexityOptions options;
  options.threads = o.threads;
  options.progress = !o.quiet;
  std::unique_ptr<LinearExecutor> executor;
  if (container && o.on_macro) {
    auto macro = std::make_unique<MacroLinearExecutor>(*container, inputs.model->LinearNames(),
                                                       GoldenMacroRunner());
    std::cout << fmt::format("{}: {} linear layers in {} tiles on macro {}\n", o.pruned,
                             container->layers.size(), macro->tiles(), container->config.Name());
    executor = std::move(macro);
  } else if (container) {
    executor = std::make_unique<QuantizedLinearExecutor>(*container, inputs.model->LinearNames());
  }
  const PerplexityResult r =
      EvaluateRecurrentPerplexity(*inputs.model, inputs.EncodeSlice(o.blocks, "--blocks"), options, executor.get());
  if (container) std::cout << fmt::format("{}: {}\n", o.pruned, mode);
  ModelPaths shown = paths;
  if (inputs.byte_level()) shown.tokenizer.clear();
  ReportEval(o, shown, slice, r, mode, inputs.model->Describe());
  return 0;
}

int RunEval(const std::vector<std::string>& args) {
  EvalOptions o;
  const auto vm = ParseFlags(args, EvalFlags(o), "eval", kSynopsis);
  if (!vm) return 0;
  if (o.threads < 0) throw UsageError(fmt::format("--threads {}: must be >= 0", o.threads));
  using namespace flexcim::pruner;
  if (o.on_macro && o.pruned.empty()) throw UsageError("--on-macro: needs --pruned DIR");
  if (!o.pruned.empty() && vm->count("model") && !(*vm)["model"].defaulted()) {
    throw UsageError("--model: does not apply with --pruned (the model is DIR/pruned.bin)");
  }
  const MacroConfig target = o.macro.ToConfig();
  std::optional<PrunedContainer> container;
  ModelPathFlags path_flags = o.paths;
  std::string mode = "fp32";
  if (!o.pruned.empty()) {
    const std::filesystem::path dir = o.pruned;
    if (!std::filesystem::is_directory(dir)) {
      throw UsageError(fmt::format("--pruned {}: not a directory (a `flexcim prune --out` directory)",
                                   o.pruned));
    }
    // llama2.c input: DIR/pruned.bin; Hugging Face input: DIR itself; a
    // recurrent model's prune: the source model prune.json names.
    const std::string source = PrunedSourceModel(dir);
    path_flags.model = !source.empty()                        ? source
                       : std::filesystem::exists(dir / "pruned.bin") ? (dir / "pruned.bin").string()
                                                                     : dir.string();
    container = ReadContainer(dir / "pruned.flexcim");
    mode = fmt::format("W{}A{} fake-quantised", container->w_bits, container->a_bits);
    if (o.on_macro) {
      if (!(container->config == target)) {
        throw UsageError(fmt::format(
            "--on-macro: {} was pruned for macro {}, the target macro is {} (pass the prune's "
            "macro flags, {}, or prune for the target)",
            o.pruned, container->config.Name(), target.Name(), container->config.Flags()));
      }
      if (!container->hardware_legal) {
        throw UsageError(fmt::format("--on-macro: {} has free masks (--free-masks), not legal for "
                                     "macro {}: prune with hardware-legal masks",
                                     o.pruned, container->config.Name()));
      }
      mode = fmt::format("on macro {} (golden fast path, W{}A{} integer tiles)",
                         container->config.Name(), container->w_bits, container->a_bits);
    }
  }
  const ModelPaths paths = path_flags.Resolve();
  std::vector<FlagPath> inputs_by_flag = ModelInputFlags(paths);
  if (container) inputs_by_flag.push_back({"--pruned", std::filesystem::path(o.pruned) / "pruned.flexcim"});
  RefuseOutputOverInputs({"--json", o.json}, inputs_by_flag);
  if (!o.json.empty()) RequireWritableTarget("--json", o.json);
  if (auto recurrent = LoadRecurrentModel(paths.model)) {
    return RunRecurrentEval(o, paths, std::move(recurrent), vm->count("tokenizer") > 0,
                            container ? &*container : nullptr, mode);
  }
  const ModelInputs inputs = ModelInputs::Load(paths);
  const LlamaModel& model = inputs.model;
  if (container) {
    RequireModelMatchesContainer(model, paths.model, *container,
                                 (std::filesystem::path(o.pruned) / "pruned.flexcim").string());
  }
  const BlockSlice slice = ParseBlockSlice(o.blocks, inputs.num_blocks(), "--blocks");
  const auto sequences = inputs.EncodeSlice(o.blocks, "--blocks");

  PerplexityOptions options;
  options.threads = o.threads;
  options.progress = !o.quiet;
  PerplexityResult r;
  std::optional<MacroLinearExecutor> executor;
  if (!container) {
    r = EvaluatePerplexity(model, sequences, options);
  } else if (!o.on_macro) {
    r = EvaluateQuantized(model, sequences, {container->w_bits, container->a_bits}, options);
  } else {
    executor.emplace(*container, GoldenMacroRunner());
    std::cout << fmt::format("{}: {} linear layers in {} tiles on macro {}\n", o.pruned,
                             container->layers.size(), executor->tiles(), target.Name());
    options.hooks.executor = &*executor;
    r = EvaluatePerplexity(model, sequences, options);
  }
  if (container) std::cout << fmt::format("{}: {}\n", o.pruned, mode);
  ReportEval(o, paths, slice, r, mode, DescribeModelFormat(model));
  return 0;
}

const CommandRegistrar kRegistrar(Command{
    "eval", "perplexity of a llama2.c or Hugging Face model on text blocks (README protocol)", RunEval});

}  // namespace
}  // namespace flexcim::cli
