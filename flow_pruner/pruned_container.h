// PrunedContainer: what `flexcim prune` hands to `flexcim map`: for every
// pruned linear layer its N:M pattern, keep-mask, W-bit integer weights and
// per-output-channel scales. Versioned and checksummed; format in
// docs/CONTAINER.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/macro_config.h"
#include "core/nm_pattern.h"

namespace flexcim::pruner {

struct PrunedLayer {
  int block = 0;          // transformer block index
  std::string name;       // wq wk wv wo w1 w2 w3
  int rows = 0;           // output features
  int cols = 0;           // input features
  NmPattern pattern;      // as chosen (dense = N == M)
  std::vector<uint8_t> mask;     // rows*cols, 1 = kept
  std::vector<int16_t> weights;  // rows*cols, quantised, 0 where not kept
  std::vector<float> scales;     // rows: real weight = weights * scale

  std::string FullName() const;  // "3.wq", as flags and reports name a layer
};

struct PrunedContainer {
  static constexpr uint32_t kVersion = 1;
  MacroConfig config = MacroConfig::Default();  // macro the masks are legal for
  int w_bits = 8;
  int a_bits = 8;
  bool hardware_legal = true;  // masks legal for config.sel_group()
  std::string method;          // flow | uniform | owl
  std::string source_model_sha256;
  std::vector<PrunedLayer> layers;
};

// Writes to a temporary file and renames, so a failure leaves nothing.
void WriteContainer(const PrunedContainer& c, const std::filesystem::path& path);
// Throws flexcim::Error naming the file and what is wrong (bad magic,
// unsupported version, truncated, checksum mismatch, inconsistent sizes).
// Every field is validated (magic, version, sizes, checksum, header keys and
// their ranges, shapes, patterns, offsets with overflow-safe arithmetic,
// weights within w_bits and 0 where dropped, finite scales); errors name the
// file and the layer. Only a regular file is read.
PrunedContainer ReadContainer(const std::filesystem::path& path);
// The same on an in-memory image; `name` names it in errors.
PrunedContainer ParseContainer(std::string_view bytes, const std::string& name);

}  // namespace flexcim::pruner
