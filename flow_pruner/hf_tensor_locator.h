// Where each tensor of a Hugging Face checkpoint directory is: the single
// model.safetensors, or the shards that model.safetensors.index.json's
// "weight_map" names. Shared by the Llama-family reader (hf_checkpoint.h) and
// the Mamba reader (mamba_checkpoint.h). Files are opened (memory-mapped)
// on first use.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>
#include <cstdint>

#include "flow_pruner/safetensors.h"

namespace flexcim::pruner {

// The JSON object in `path`; Error "PATH: bad JSON: ..." otherwise.
nlohmann::json ParseJsonObjectFile(const std::string& path);

class HfTensorLocator {
 public:
  // Error "DIR: no model.safetensors or model.safetensors.index.json", or
  // the index's own errors.
  explicit HfTensorLocator(const std::string& dir);

  // True when the checkpoint has a tensor `name` (per the index, or the
  // single file's header).
  bool Has(const std::string& name);

  // The file holding `name` and its header entry; Error naming the file (and
  // the index) when missing.
  std::pair<const SafetensorsFile*, const SafetensorsTensor*> Find(const std::string& name);

  // The number of decoder layers the checkpoint holds tensors for: one more
  // than the highest N of any "model.layers.N." tensor (0 when none).
  int64_t LayersPresent();

  // Where the tensors are listed: the index, or the single file.
  std::string Listing() const;

 private:
  const SafetensorsFile& Open(const std::string& file);
  std::string dir_;
  std::string index_;
  std::map<std::string, std::string> shard_of_;
  std::map<std::string, std::unique_ptr<SafetensorsFile>> files_;
};

}  // namespace flexcim::pruner
