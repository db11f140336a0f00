// llama2.c tokenizer .bin (flow_pruner/tokenizer), then encode and decode:
// the vocabulary size comes from the model, so it is tried at the real
// model's 512 and at a small one (fewer ids than the byte fallback needs).
#include "flow_pruner/tokenizer.h"
#include "verif/fuzz/fuzz_support.h"

namespace {

void ParseEncodeDecode(std::string_view bytes, int vocab_size) {
  const auto t = flexcim::pruner::Tokenizer::Parse(bytes, vocab_size, "fuzz-tokenizer.bin");
  const auto ids = t.Encode("Once upon a time, \xc3\xa9t\xc3\xa9 \xf0\x9f\x99\x82 \x01\xff.", true, true);
  (void)t.Decode(ids);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = flexcim::fuzz::Bytes(data, size);
  flexcim::fuzz::ExpectOnlyFlexcimErrors([&] { ParseEncodeDecode(bytes, 512); });
  flexcim::fuzz::ExpectOnlyFlexcimErrors([&] { ParseEncodeDecode(bytes, 1 + (size > 0 ? data[size - 1] : 0)); });
  return 0;
}
