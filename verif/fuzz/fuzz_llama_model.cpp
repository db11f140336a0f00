// llama2.c legacy .bin models (flow_pruner/llama_model).
#include "flow_pruner/llama_model.h"
#include "verif/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return flexcim::fuzz::ExpectOnlyFlexcimErrors(
      [&] { flexcim::pruner::ParseLlamaModel(flexcim::fuzz::Bytes(data, size), "fuzz.bin"); });
}
