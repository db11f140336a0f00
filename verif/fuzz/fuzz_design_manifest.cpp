// A generated design's manifest.json (core/design_manifest), as verify's
// testbench build and synth read it.
#include "core/design_manifest.h"
#include "verif/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return flexcim::fuzz::ExpectOnlyFlexcimErrors(
      [&] { (void)flexcim::ParseDesignManifest(flexcim::fuzz::Bytes(data, size), "manifest.json"); });
}
