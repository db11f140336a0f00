// The pruned container (flow_pruner/pruned_container), as `flexcim map` uses
// it: parse, then encode every layer onto the macro's tiles. Mutations break
// the SHA-256 almost always, so each input is also tried with its trailing
// 32 bytes replaced by the digest of the rest: the fuzzer reaches the header
// and layer validation behind the checksum.
#include <string>

#include "core/sha256.h"
#include "flow_pruner/pruned_container.h"
#include "golden/tile_mapping.h"
#include "verif/fuzz/fuzz_support.h"

namespace {

void ParseAndMap(std::string_view bytes) {
  const flexcim::pruner::PrunedContainer c = flexcim::pruner::ParseContainer(bytes, "fuzz.flexcim");
  if (!c.hardware_legal) return;
  for (const flexcim::pruner::PrunedLayer& l : c.layers) {
    if (static_cast<int64_t>(l.rows) * l.cols > (1 << 16)) continue;  // keep each execution fast
    const flexcim::golden::LayerWeights w{l.rows, l.cols, std::vector<int32_t>(l.weights.begin(), l.weights.end()),
                                          l.mask};
    (void)flexcim::golden::EncodeLayer(c.config, l.pattern, w);
  }
}

std::string Resealed(std::string_view bytes) {
  std::string body(bytes.substr(0, bytes.size() - 32));
  const std::string hex = flexcim::Sha256Hex(body);
  for (size_t i = 0; i < 32; ++i) body += static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = flexcim::fuzz::Bytes(data, size);
  flexcim::fuzz::ExpectOnlyFlexcimErrors([&] { ParseAndMap(bytes); });
  if (size > 32) flexcim::fuzz::ExpectOnlyFlexcimErrors([&] { ParseAndMap(Resealed(bytes)); });
  return 0;
}
