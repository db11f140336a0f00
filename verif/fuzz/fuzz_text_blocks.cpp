// Text blocks and the block-slice flag (flow_pruner/text_blocks): the input's
// first line is the slice spec, the rest the text.
#include "flow_pruner/text_blocks.h"
#include "verif/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes = flexcim::fuzz::Bytes(data, size);
  return flexcim::fuzz::ExpectOnlyFlexcimErrors([&] {
    const size_t eol = bytes.find('\n');
    const std::string_view spec = bytes.substr(0, eol == std::string_view::npos ? 0 : eol);
    const auto blocks = flexcim::pruner::SplitTextBlocks(bytes);
    const auto slice = flexcim::pruner::ParseBlockSlice(spec, static_cast<int>(blocks.size()), "--blocks");
    (void)flexcim::pruner::SelectBlocks(blocks, slice);
  });
}
