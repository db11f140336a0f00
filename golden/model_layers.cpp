#include "golden/model_layers.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <tuple>

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
  std::ifstream in(name_or_file);
  if (!in) {
    throw UsageError(fmt::format("--shape {}: neither stories260k, llama2-7b, mamba-130m, mamba-370m, mamba-790m, "
                                 "mamba-1.4b, mamba-2.8b nor a readable JSON file",
                                 name_or_file));
  }
  ModelShape s;
  s.name = std::filesystem::path(name_or_file).stem().string();
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    if (j.contains("family") && j["family"] != "llama") {
      if (j["family"] != "mamba") {
        throw UsageError(fmt::format("--shape {}: family {} is not llama or mamba", name_or_file, j["family"].dump()));
      }
      for (const char* key : {"blocks", "dim"}) {
        if (!j.contains(key)) throw UsageError(fmt::format("--shape {}: no key \"{}\"", name_or_file, key));
      }
      ModelShape m = MambaShape(s.name, j.at("blocks").get<int>(), j.at("dim").get<int>(), j.value("d_state", 16),
                                j.value("expand", 2), j.value("dt_rank", 0));
      for (auto [key, v] : {std::pair{"blocks", m.blocks}, std::pair{"dim", m.dim}, std::pair{"d_state", m.d_state},
                            std::pair{"expand", m.hidden / std::max(1, m.dim)}, std::pair{"dt_rank", m.dt_rank}}) {
        if (v < 1) throw UsageError(fmt::format("--shape {}: {} {} must be >= 1", name_or_file, key, v));
      }
      return m;
    }
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
