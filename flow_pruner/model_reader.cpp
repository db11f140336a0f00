#include "flow_pruner/model_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/errors.h"
#include "core/sha256.h"
#include "flow_pruner/hf_checkpoint.h"
#include "flow_pruner/model_writer.h"

namespace flexcim::pruner {

namespace fs = std::filesystem;

LlamaModel LoadModel(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (!fs::exists(fs::path(path) / "config.json", ec)) {
      throw Error(fmt::format("{}: not a regular file (a directory) and not a Hugging Face checkpoint "
                              "(no config.json)",
                              path));
    }
    return LoadHfCheckpoint(path);
  }
  return LoadLlamaModel(path);
}

std::string DescribeModelFormat(const LlamaModel& model) {
  if (!model.hf) return "llama2.c .bin (F32)";
  std::set<std::string> dtypes;
  for (const auto& [name, dtype] : model.hf->dtypes) dtypes.insert(dtype);
  std::string list;
  for (const std::string& d : dtypes) list += (list.empty() ? "" : "+") + d;
  return fmt::format("Hugging Face {} ({})", model.hf->architecture, list);
}

std::string ModelSha256(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return Sha256OfFile(path);
  std::vector<std::string> names = {"config.json"};
  for (const auto& e : fs::directory_iterator(path)) {
    if (e.path().extension() == ".safetensors") names.push_back(e.path().filename().string());
  }
  std::sort(names.begin() + 1, names.end());
  std::string list;
  for (const std::string& n : names) list += Sha256OfFile(fs::path(path) / n) + "  " + n + "\n";
  return Sha256Hex(list);
}

std::vector<std::string> WriteModelFiles(const LlamaModel& model, const fs::path& dir) {
  if (model.hf) return WriteHfCheckpoint(model, dir);
  WriteLlamaModel(model, (dir / "pruned.bin").string());
  return {"pruned.bin"};
}

}  // namespace flexcim::pruner
