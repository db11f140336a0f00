#include "flow_pruner/hf_tensor_locator.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <string_view>

#include "core/errors.h"
#include "flow_pruner/file_bytes.h"

namespace flexcim::pruner {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {
constexpr const char* kSingleFile = "model.safetensors";
constexpr const char* kIndexFile = "model.safetensors.index.json";
std::string InDir(const std::string& dir, const std::string& file) { return (fs::path(dir) / file).string(); }
}  // namespace

Json ParseJsonObjectFile(const std::string& path) {
  const Json j = Json::parse(ReadFileBytes(path), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw Error(fmt::format("{}: bad JSON: not valid JSON", path));
  if (!j.is_object()) throw Error(fmt::format("{}: bad JSON: the top level is not an object", path));
  return j;
}

HfTensorLocator::HfTensorLocator(const std::string& dir) : dir_(dir) {
  const std::string index = InDir(dir, kIndexFile);
  if (fs::exists(index)) {
    index_ = index;
    const Json j = ParseJsonObjectFile(index);
    if (!j.contains("weight_map") || !j["weight_map"].is_object()) {
      throw Error(fmt::format("{}: bad JSON: no \"weight_map\" object", index));
    }
    for (const auto& [name, file] : j["weight_map"].items()) {
      if (!file.is_string() || file.get<std::string>().find('/') != std::string::npos) {
        throw Error(fmt::format("{}: tensor {}: the shard must be a file name in the directory, not {}", index,
                                name, file.dump()));
      }
      shard_of_[name] = file.get<std::string>();
    }
    return;
  }
  if (!fs::exists(InDir(dir, kSingleFile))) {
    throw Error(fmt::format("{}: no {} or {}", dir, kSingleFile, kIndexFile));
  }
}

const SafetensorsFile& HfTensorLocator::Open(const std::string& file) {
  auto& open = files_[file];
  if (!open) open = std::make_unique<SafetensorsFile>(InDir(dir_, file));
  return *open;
}

bool HfTensorLocator::Has(const std::string& name) {
  if (!index_.empty()) return shard_of_.count(name) > 0;
  return Open(kSingleFile).header().Find(name) != nullptr;
}

std::pair<const SafetensorsFile*, const SafetensorsTensor*> HfTensorLocator::Find(const std::string& name) {
  std::string file = kSingleFile;
  if (!index_.empty()) {
    const auto it = shard_of_.find(name);
    if (it == shard_of_.end()) throw Error(fmt::format("{}: no entry for tensor {}", index_, name));
    file = it->second;
  }
  const SafetensorsFile& open = Open(file);
  const SafetensorsTensor* t = open.header().Find(name);
  if (!t) {
    throw Error(fmt::format("{}: missing tensor {}{}", open.path(), name,
                            index_.empty() ? "" : fmt::format(" ({} maps it here)", kIndexFile)));
  }
  return {&open, t};
}

int64_t HfTensorLocator::LayersPresent() {
  std::vector<std::string> names;
  if (!index_.empty()) {
    for (const auto& [name, file] : shard_of_) names.push_back(name);
  } else {
    for (const SafetensorsTensor& t : Open(kSingleFile).header().tensors) names.push_back(t.name);
  }
  int64_t layers = 0;
  static constexpr std::string_view kPrefix = "model.layers.";
  for (const std::string& name : names) {
    if (name.compare(0, kPrefix.size(), kPrefix) != 0) continue;
    const size_t dot = name.find('.', kPrefix.size());
    const std::string index =
        name.substr(kPrefix.size(), dot == std::string::npos ? std::string::npos : dot - kPrefix.size());
    if (index.empty() || index.size() > 9 || index.find_first_not_of("0123456789") != std::string::npos) continue;
    layers = std::max<int64_t>(layers, std::stoll(index) + 1);
  }
  return layers;
}

std::string HfTensorLocator::Listing() const { return index_.empty() ? InDir(dir_, kSingleFile) : index_; }

}  // namespace flexcim::pruner
