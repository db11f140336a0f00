#include "golden/model_layers.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "core/errors.h"
#include "core/input_file.h"
#include "core/json_input.h"

namespace flexcim::golden {

namespace {

void RequireShape(const ModelShape& s, const std::string& what) {
  auto positive = [&](const char* key, int v) {
    if (v < 1) throw UsageError(fmt::format("--shape {}: {} {} must be >= 1", what, key, v));
  };
  positive("blocks", s.blocks);
  positive("dim", s.dim);
  positive("hidden", s.hidden);
  positive("heads", s.heads);
  positive("kv_heads", s.kv_heads);
  if (s.dim % s.heads != 0 || s.heads % s.kv_heads != 0) {
    throw UsageError(fmt::format("--shape {}: dim {} must be a multiple of heads {}, heads of kv_heads {}",
                                 what, s.dim, s.heads, s.heads, s.kv_heads));
  }
}

}  // namespace

ModelShape ReadModelShape(const std::string& name_or_file) {
  if (name_or_file == "stories260k") return {"stories260k", 5, 64, 172, 8, 4};
  if (name_or_file == "llama2-7b") return {"llama2-7b", 32, 4096, 11008, 32, 32};
  std::error_code ec;
  if (!std::filesystem::exists(name_or_file, ec)) {
    throw UsageError(fmt::format("--shape {}: neither stories260k, llama2-7b nor an existing JSON file",
                                 name_or_file));
  }
  // The file's content is checked here, with bounds before anything is
  // sized from it: a bad file is a runtime error naming it (exit 1).
  const nlohmann::json j = ReadJsonFile(name_or_file);
  ModelShape s;
  s.name = std::filesystem::path(name_or_file).stem().string();
  s.blocks = static_cast<int>(JsonInteger(j, "blocks", 1, kMaxShapeBlocks, name_or_file));
  s.dim = static_cast<int>(JsonInteger(j, "dim", 1, kMaxShapeWidth, name_or_file));
  s.hidden = static_cast<int>(JsonInteger(j, "hidden", 1, kMaxShapeWidth, name_or_file));
  s.heads = static_cast<int>(JsonInteger(j, "heads", 1, s.dim, name_or_file));
  s.kv_heads = static_cast<int>(JsonInteger(j, "kv_heads", 1, s.heads, name_or_file));
  if (s.dim % s.heads != 0 || s.heads % s.kv_heads != 0) {
    throw Error(fmt::format("{}: dim {} must be a multiple of heads {}, heads of kv_heads {}", name_or_file, s.dim,
                            s.heads, s.heads, s.kv_heads));
  }
  return s;
}

std::string ModelLayer::FullName() const { return fmt::format("{}.{}", block, name); }

std::vector<ModelLayer> ShapeLayers(const ModelShape& s, const std::vector<NmPattern>& patterns) {
  if (static_cast<int>(patterns.size()) != s.blocks) {
    throw UsageError(fmt::format("--patterns: {} patterns for {} blocks of {}", patterns.size(), s.blocks, s.name));
  }
  std::vector<ModelLayer> layers;
  for (int b = 0; b < s.blocks; ++b) {
    const NmPattern p = patterns[b];
    for (auto [name, out, in] : {std::tuple{"wq", s.dim, s.dim}, std::tuple{"wk", s.kv_dim(), s.dim},
                                 std::tuple{"wv", s.kv_dim(), s.dim}, std::tuple{"wo", s.dim, s.dim},
                                 std::tuple{"w1", s.hidden, s.dim}, std::tuple{"w2", s.dim, s.hidden},
                                 std::tuple{"w3", s.hidden, s.dim}}) {
      layers.push_back({b, name, out, in, p, std::nullopt});
    }
  }
  return layers;
}

std::vector<NmPattern> ReadLayerPatterns(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw UsageError(fmt::format("--patterns {}: no such file", file.string()));
  std::istringstream in(ReadRegularFile(file));
  static const std::regex kLine(R"(^Layer\s+(\d+):\s*(\S+)\s*$)");
  std::vector<NmPattern> patterns;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::smatch m;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF text
    if (!std::regex_match(line, m, kLine) || m[1].str() != std::to_string(patterns.size())) {
      throw Error(fmt::format("{}: line {}: expected \"Layer {}: N:M\", got \"{}\"", file.string(), number,
                              patterns.size(), line.size() > 200 ? line.substr(0, 197) + "..." : line));
    }
    if (patterns.size() >= static_cast<size_t>(kMaxShapeBlocks)) {
      throw Error(fmt::format("{}: more than {} layers", file.string(), kMaxShapeBlocks));
    }
    try {
      patterns.push_back(NmPattern::Parse(m[2].str(), "pattern"));
    } catch (const UsageError& e) {
      throw Error(fmt::format("{}: line {}: {}", file.string(), number, e.what()));
    }
  }
  if (patterns.empty()) throw Error(fmt::format("{}: no \"Layer i: N:M\" lines", file.string()));
  return patterns;
}

}  // namespace flexcim::golden
