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
  std::string family = "llama";  // or "mamba"
  int blocks = 0, dim = 0, hidden = 0, heads = 0, kv_heads = 0;
  // Mamba-1 (family "mamba"): hidden = d_inner = expand * dim.
  int d_state = 0, dt_rank = 0;
  int kv_dim() const { return dim / heads * kv_heads; }
  bool mamba() const { return family == "mamba"; }
  // What stays off the macros (printed by perf).
  std::string OutsideTheComparison() const;
};

// "stories260k" (the shipped model: 5 blocks, dim 64, hidden 172, 8 heads,
// 4 kv heads), "llama2-7b" (32, 4096, 11008, 32, 32), a JSON file
// {"blocks": B, "dim": D, "hidden": H, "heads": NH, "kv_heads": KV};
// or a Mamba-1 shape: "mamba-130m", "mamba-370m", "mamba-790m", "mamba-1.4b",
// "mamba-2.8b" (the state-spaces releases' configs: d_model 768/1024/1536/
// 2048/2560, n_layer 24/48/48/48/64, expand 2, d_state 16, d_conv 4,
// dt_rank ceil(d_model / 16)), or a JSON file {"family": "mamba", "blocks": B,
// "dim": D, "d_state": N (default 16), "expand": E (2), "dt_rank": R
// (ceil(D / 16))}.
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
// dim). A Mamba block: in_proj (2 d_inner x dim), x_proj (dt_rank + 2 d_state
// x d_inner), dt_proj (d_inner x dt_rank), out_proj (dim x d_inner). `patterns` has one entry per block (UsageError otherwise).
std::vector<ModelLayer> ShapeLayers(const ModelShape& shape, const std::vector<NmPattern>& patterns);

// A `layers.txt` of `flexcim prune` ("Layer i: N:M", one line per block, in
// order). Throws UsageError for a missing file, Error naming the file and
// the line for bad content; CRLF line ends are accepted.
std::vector<NmPattern> ReadLayerPatterns(const std::filesystem::path& file);

}  // namespace flexcim::golden
