// Token-id blocks: text tokenised by any external tool, one line of
// whitespace-separated decimal ids per block (`--token-ids FILE`), used in
// place of text + tokenizer for calibration and evaluation. Nothing is added:
// put BOS in the line if the model expects it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flexcim::pruner {

// Reads `path`; a final newline is optional. Throws Error naming the file and
// line: "F: line 3: 'x1' is not a token id", "F: line 3: no token ids",
// "F: line 3: token id 600 is outside the model's vocabulary [0, 512)",
// "F: no lines".
std::vector<std::vector<int>> ReadTokenIdBlocks(const std::string& path, int vocab_size);
std::vector<std::vector<int>> ParseTokenIdBlocks(std::string_view text, int vocab_size,
                                                 std::string_view source);

}  // namespace flexcim::pruner
