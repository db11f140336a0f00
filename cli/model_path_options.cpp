#include "cli/model_path_options.h"

namespace flexcim::cli {

pruner::ModelPaths ModelPathFlags::Resolve() const {
  pruner::ModelPaths p = pruner::ModelPaths::InDataDir(data_dir);
  if (!model.empty()) p.model = model;
  if (!tokenizer.empty()) p.tokenizer = tokenizer;
  if (!text.empty()) p.text = text;
  return p;
}

std::vector<FlagPath> ModelInputFlags(const pruner::ModelPaths& paths) {
  return {{"--model", paths.model}, {"--tokenizer", paths.tokenizer}, {"--text", paths.text}};
}

po::options_description ModelPathOptions(ModelPathFlags& f) {
  po::options_description d("Model and text");
  d.add_options()
      ("model", po::value(&f.model), "llama2.c legacy .bin model (default <data-dir>/stories260K.bin)")
      ("tokenizer", po::value(&f.tokenizer),
       "llama2.c tokenizer .bin with the model's vocab_size entries (default <data-dir>/tok512.bin)")
      ("text", po::value(&f.text),
       "UTF-8 text split on blank lines into blocks (default <data-dir>/tinystories-valid-head.txt)");
  AddDataDirOption(d, f.data_dir);
  return d;
}

}  // namespace flexcim::cli
