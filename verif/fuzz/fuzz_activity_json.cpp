// The toggle-rate JSON of `flexcim synth --activity-from` (synth/activity_file).
#include "synth/activity_file.h"
#include "verif/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return flexcim::fuzz::ExpectOnlyFlexcimErrors(
      [&] { (void)flexcim::synth::ParseActivityJson(flexcim::fuzz::Bytes(data, size), "activity.json"); });
}
