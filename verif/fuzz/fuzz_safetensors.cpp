// Safetensors headers of Hugging Face checkpoints (flow_pruner/safetensors).
#include "flow_pruner/safetensors.h"
#include "verif/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return flexcim::fuzz::ExpectOnlyFlexcimErrors([&] {
    flexcim::pruner::ParseSafetensorsHeader(flexcim::fuzz::Bytes(data, size), size, "fuzz.safetensors");
  });
}
