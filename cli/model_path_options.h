// The model/tokenizer/text flags shared by eval, prune and bench.
#pragma once

#include <string>
#include <vector>

#include "cli/flag_parsing.h"
#include "core/output_directory.h"
#include "flow_pruner/model_inputs.h"

namespace flexcim::cli {

struct ModelPathFlags {
  std::string data_dir;
  std::string model;      // default <data-dir>/stories260K.bin
  std::string tokenizer;  // default <data-dir>/tok512.bin, or <model dir>/tokenizer.model
  std::string text;       // default <data-dir>/tinystories-valid-head.txt
  std::string token_ids;  // replaces tokenizer + text when given
  pruner::ModelPaths Resolve() const;
};

po::options_description ModelPathOptions(ModelPathFlags& flags);

// The model inputs by flag, for RefuseOutputOverInputs (core/output_directory.h).
std::vector<FlagPath> ModelInputFlags(const pruner::ModelPaths& paths);

}  // namespace flexcim::cli
