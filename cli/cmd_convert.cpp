// flexcim convert: a llama2.c .bin model written as a Hugging Face
// LlamaForCausalLM checkpoint (config.json + model.safetensors in F32, F16 or
// BF16, q/k rows permuted to transformers' rotate-half order), e.g. the
// shipped stories260K for trying `prune --model DIR` (docs/HF_CHECKPOINTS.md).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "core/errors.h"
#include "core/output_directory.h"
#include "flow_pruner/hf_checkpoint.h"
#include "flow_pruner/model_reader.h"

namespace flexcim::cli {
namespace {

struct ConvertOptions {
  std::string data_dir;
  std::string model;
  std::string dtype = "F32";
  std::string out;
};

int RunConvert(const std::vector<std::string>& args) {
  ConvertOptions o;
  po::options_description d("convert flags");
  d.add_options()
      ("model", po::value(&o.model), "llama2.c legacy .bin model (default <data-dir>/stories260K.bin)")
      ("dtype", po::value(&o.dtype)->default_value(o.dtype), "F32, F16 or BF16 (F16/BF16 round to nearest even)")
      ("out", po::value(&o.out)->required(), "output directory, a Hugging Face checkpoint (replaced atomically)");
  AddDataDirOption(d, o.data_dir);
  if (!ParseFlags(args, d, "convert", "--out DIR [--model M.bin] [--dtype F32|F16|BF16]")) return 0;
  const std::string model_path = o.model.empty() ? o.data_dir + "/stories260K.bin" : o.model;
  RefuseOutputOverInputs({"--out", o.out}, {{"--model", model_path}});
  pruner::LlamaModel model = pruner::LoadLlamaModel(model_path);
  pruner::DescribeAsHfLlama(model, o.dtype);
  std::vector<std::string> files;
  WriteOutputDirectory(o.out, "convert", [&](const std::filesystem::path& staging) {
    files = pruner::WriteHfCheckpoint(model, staging);
  });
  std::cout << fmt::format("wrote {}/{{{}}} ({})\n", o.out, fmt::join(files, ", "),
                           pruner::DescribeModelFormat(model));
  return 0;
}

const CommandRegistrar kConvert({"convert", "a llama2.c .bin model as a Hugging Face checkpoint (safetensors)",
                                 RunConvert});

}  // namespace
}  // namespace flexcim::cli
