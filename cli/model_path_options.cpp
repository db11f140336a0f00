#include "cli/model_path_options.h"

#include <fmt/format.h>

#include <filesystem>

#include "core/errors.h"

namespace flexcim::cli {

pruner::ModelPaths ModelPathFlags::Resolve() const {
  pruner::ModelPaths p = pruner::ModelPaths::InDataDir(data_dir);
  if (!model.empty()) p.model = model;
  std::error_code ec;
  if (!model.empty() && std::filesystem::is_directory(model, ec)) {
    p.tokenizer = (std::filesystem::path(model) / "tokenizer.model").string();
    // Byte-level BPE checkpoints (GPT-NeoX/Mamba, Llama 3, Qwen2) ship tokenizer.json only.
    const std::filesystem::path json = std::filesystem::path(model) / "tokenizer.json";
    if (!std::filesystem::exists(p.tokenizer, ec) && std::filesystem::exists(json, ec)) p.tokenizer = json.string();
    // (A directory without config.json is no checkpoint: loading it says so.)
    if (tokenizer.empty() && token_ids.empty() && !std::filesystem::exists(p.tokenizer, ec) &&
        std::filesystem::exists(std::filesystem::path(model) / "config.json", ec)) {
      throw UsageError(fmt::format("--model {}: has no tokenizer.model or tokenizer.json; give --tokenizer FILE or "
                                   "--token-ids FILE",
                                   model));
    }
  }
  if (!tokenizer.empty()) p.tokenizer = tokenizer;
  if (!text.empty()) p.text = text;
  if (!token_ids.empty()) {
    if (!tokenizer.empty() || !text.empty()) {
      throw UsageError(fmt::format("--token-ids {}: replaces --tokenizer and --text; give one or the other",
                                   token_ids));
    }
    p.token_ids = token_ids;
  }
  return p;
}

std::vector<FlagPath> ModelInputFlags(const pruner::ModelPaths& paths) {
  std::vector<FlagPath> inputs = {{"--model", paths.model},
                                  {"--tokenizer", paths.tokenizer},
                                  {"--text", paths.text},
                                  {"--token-ids", paths.token_ids}};
  // A Hugging Face model is a directory: each of its files (safetensors,
  // config.json, tokenizer.model) is an input an output must not replace.
  for (FlagPath& f : FilesOfInputDirectory("--model", paths.model)) inputs.push_back(std::move(f));
  return inputs;
}

po::options_description ModelPathOptions(ModelPathFlags& f) {
  po::options_description d("Model and text");
  d.add_options()
      ("model", po::value(&f.model),
       "llama2.c legacy .bin file, an rwkv.cpp RWKV v5.2 .bin (told by its magic; eval only), or a "
       "Hugging Face directory (config.json + *.safetensors; Llama, Mistral, Qwen2; Mamba with eval "
       "only) (default <data-dir>/stories260K.bin)")
      ("tokenizer", po::value(&f.tokenizer),
       "llama2.c tokenizer .bin with the model's vocab_size entries, a SentencePiece *.model, or a "
       "Hugging Face tokenizer.json (byte-level BPE) (default <data-dir>/tok512.bin; <model dir>/tokenizer.model, "
       "else <model dir>/tokenizer.json, for a Hugging Face directory; none for an rwkv.cpp model, read as bytes)")
      ("text", po::value(&f.text),
       "UTF-8 text split on blank lines into blocks (default <data-dir>/tinystories-valid-head.txt)")
      ("token-ids", po::value(&f.token_ids),
       "blocks already tokenised: one line of whitespace-separated ids per block (BOS included "
       "if wanted); replaces --tokenizer and --text");
  AddDataDirOption(d, f.data_dir);
  return d;
}

}  // namespace flexcim::cli
