// A model's linear layers as the system model sees them (docs/PERF.md):
// from a shape (llama2.c transformer: blocks, dim, hidden, heads, kv heads)
// and one N:M pattern per block, or from a pruned container (cli).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/nm_pattern.h"
#include "golden/tile_mapping.h"

namespace flexcim::golden {

// Bounds of a --shape file (Llama-2-70B has 80 blocks, dim 8192, hidden 28672).
inline constexpr int64_t kMaxShapeBlocks = 1024;
inline constexpr int64_t kMaxShapeWidth = 1 << 17;

struct ModelShape {
  std::string name;
  int blocks = 0, dim = 0, hidden = 0, heads = 0, kv_heads = 0;
  int kv_dim() const { return dim / heads * kv_heads; }
};

// "stories260k" (the shipped model: 5 blocks, dim 64, hidden 172, 8 heads,
// 4 kv heads), "llama2-7b" (32, 4096, 11008, 32, 32), or a JSON file
// {"blocks": B, "dim": D, "hidden": H, "heads": NH, "kv_heads": KV}.
// Throws UsageError naming --shape for an unknown name or a missing file;
// Error naming the file for bad content (a missing key, a value out of
// range: blocks <= kMaxShapeBlocks, dim and hidden <= kMaxShapeWidth,
// checked before anything is sized from them).
ModelShape ReadModelShape(const std::string& name_or_file);

struct ModelLayer {
  int block = 0;
  std::string name;  // wq wk wv wo w1 w2 w3
  int out_features = 0, in_features = 0;
  NmPattern pattern;
  std::optional<LayerWeights> weights;  // with a pruned container: the real mask
  std::string FullName() const;         // "3.w1"
};

// Per block, in the container's order: wq (dim x dim), wk, wv (kv_dim x
// dim), wo (dim x dim), w1 (hidden x dim), w2 (dim x hidden), w3 (hidden x
// dim). `patterns` has one entry per block (UsageError otherwise).
std::vector<ModelLayer> ShapeLayers(const ModelShape& shape, const std::vector<NmPattern>& patterns);

// A `layers.txt` of `flexcim prune` ("Layer i: N:M", one line per block, in
// order). Throws UsageError for a missing file, Error naming the file and
// the line for bad content; CRLF line ends are accepted.
std::vector<NmPattern> ReadLayerPatterns(const std::filesystem::path& file);

}  // namespace flexcim::golden
