#include "golden/model_layers.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <tuple>

#include "core/errors.h"
#include "core/input_file.h"
#include "core/json_input.h"

namespace flexcim::golden {

namespace {

ModelShape MambaShape(std::string name, int blocks, int dim, int d_state, int expand, int dt_rank) {
  ModelShape s;
  s.name = std::move(name);
  s.family = "mamba";
  s.blocks = blocks;
  s.dim = dim;
  s.hidden = expand * dim;
  s.heads = s.kv_heads = 1;
  s.d_state = d_state;
  s.dt_rank = dt_rank > 0 ? dt_rank : (dim + 15) / 16;
  return s;
}

}  // namespace

std::string ModelShape::OutsideTheComparison() const {
  if (mamba()) {
    return "Mamba: in_proj, x_proj, dt_proj and out_proj of every block run on the macros; the selective scan "
           "(exp, softplus, the state update), the depthwise conv1d, SiLU gating, the norms and the classifier "
           "are outside the comparison, as attention is for a transformer.";
  }
  return "Transformer: the seven linear layers of every block run on the macros; attention scores, softmax, "
         "the norms and the classifier are outside the comparison.";
}

ModelShape ReadModelShape(const std::string& name_or_file) {
  if (name_or_file == "stories260k") return {"stories260k", "llama", 5, 64, 172, 8, 4};
  if (name_or_file == "llama2-7b") return {"llama2-7b", "llama", 32, 4096, 11008, 32, 32};
  for (const auto& [name, blocks, dim] : {std::tuple{"mamba-130m", 24, 768}, std::tuple{"mamba-370m", 48, 1024},
                                          std::tuple{"mamba-790m", 48, 1536}, std::tuple{"mamba-1.4b", 48, 2048},
                                          std::tuple{"mamba-2.8b", 64, 2560}}) {
    if (name_or_file == name) return MambaShape(name, blocks, dim, 16, 2, 0);
  }
  std::error_code ec;
  if (!std::filesystem::exists(name_or_file, ec)) {
    throw UsageError(fmt::format("--shape {}: neither stories260k, llama2-7b, mamba-130m, mamba-370m, mamba-790m, "
                                 "mamba-1.4b, mamba-2.8b nor an existing JSON file",
                                 name_or_file));
  }
  // The file's content is checked here, with bounds before anything is
  // sized from it: a bad file is a runtime error naming it (exit 1).
  const nlohmann::json j = ReadJsonFile(name_or_file);
  ModelShape s;
  s.name = std::filesystem::path(name_or_file).stem().string();
  if (j.contains("family") && j["family"] != "llama") {
    if (j["family"] != "mamba") {
      throw Error(fmt::format("{}: family {} is not llama or mamba", name_or_file, j["family"].dump()));
    }
    const auto blocks = static_cast<int>(JsonInteger(j, "blocks", 1, kMaxShapeBlocks, name_or_file));
    const auto dim = static_cast<int>(JsonInteger(j, "dim", 1, kMaxShapeWidth, name_or_file));
    auto optional = [&](const char* key, int64_t fallback, int64_t lo, int64_t hi) {
      return j.contains(key) ? static_cast<int>(JsonInteger(j, key, lo, hi, name_or_file)) : static_cast<int>(fallback);
    };
    const int d_state = optional("d_state", 16, 1, 1024);
    const int expand = optional("expand", 2, 1, 16);
    const int dt_rank = optional("dt_rank", 0, 1, kMaxShapeWidth);
    if (int64_t{expand} * dim > kMaxShapeWidth) {
      throw Error(fmt::format("{}: expand {} x dim {} exceeds {}", name_or_file, expand, dim, kMaxShapeWidth));
    }
    return MambaShape(s.name, blocks, dim, d_state, expand, dt_rank);
  }
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
  for (int b = 0; b < s.blocks && s.mamba(); ++b) {
    const int E = s.hidden, R = s.dt_rank, N = s.d_state;
    for (auto [name, out, in] : {std::tuple{"in_proj", 2 * E, s.dim}, std::tuple{"x_proj", R + 2 * N, E},
                                 std::tuple{"dt_proj", E, R}, std::tuple{"out_proj", s.dim, E}}) {
      layers.push_back({b, name, out, in, patterns[b], std::nullopt});
    }
  }
  for (int b = 0; b < s.blocks && !s.mamba(); ++b) {
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
