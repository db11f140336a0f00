#include "golden/model_layers.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/errors.h"

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
  std::ifstream in(name_or_file);
  if (!in) {
    throw UsageError(fmt::format("--shape {}: neither stories260k, llama2-7b nor a readable JSON file",
                                 name_or_file));
  }
  ModelShape s;
  s.name = std::filesystem::path(name_or_file).stem().string();
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    for (auto [key, field] : {std::pair{"blocks", &s.blocks}, std::pair{"dim", &s.dim},
                              std::pair{"hidden", &s.hidden}, std::pair{"heads", &s.heads},
                              std::pair{"kv_heads", &s.kv_heads}}) {
      if (!j.contains(key)) throw UsageError(fmt::format("--shape {}: no key \"{}\"", name_or_file, key));
      *field = j.at(key).get<int>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(fmt::format("--shape {}: {}", name_or_file, e.what()));
  }
  RequireShape(s, name_or_file);
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
  std::ifstream in(file);
  if (!in) throw UsageError(fmt::format("--patterns {}: cannot read", file.string()));
  static const std::regex kLine(R"(^Layer\s+(\d+):\s*(\S+)\s*$)");
  std::vector<NmPattern> patterns;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::smatch m;
    if (!std::regex_match(line, m, kLine) || std::stoi(m[1]) != static_cast<int>(patterns.size())) {
      throw UsageError(fmt::format("--patterns {}: line {}: expected \"Layer {}: N:M\", got \"{}\"",
                                   file.string(), number, patterns.size(), line));
    }
    patterns.push_back(NmPattern::Parse(m[2].str(), fmt::format("--patterns {} line {}", file.string(), number)));
  }
  if (patterns.empty()) throw UsageError(fmt::format("--patterns {}: no \"Layer i: N:M\" lines", file.string()));
  return patterns;
}

}  // namespace flexcim::golden
