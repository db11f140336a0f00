// Text blocks: the evaluation / calibration units of the README perplexity
// protocol. The text is split on "\n\n" and empty pieces are dropped; a block
// range is chosen with an inclusive slice "A:B" (e.g. "3300:4299").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flexcim::pruner {

// Splits on "\n\n" and drops empty blocks (Python: [b for b in t.split("\n\n") if b]).
std::vector<std::string> SplitTextBlocks(std::string_view text);

// Reads `path` and splits it. Throws Error "PATH: text has no blocks ..."
// when nothing is left.
std::vector<std::string> ReadTextBlocks(const std::string& path);

// An inclusive range [first, last] of block indices.
struct BlockSlice {
  int first = 0;
  int last = 0;
  int count() const { return last - first + 1; }
  bool Overlaps(const BlockSlice& other) const { return first <= other.last && other.first <= last; }
  std::string ToString() const;  // "A:B"
};

// Parses "A:B" (inclusive; also "A" for one block) against `num_blocks`.
// Throws UsageError naming `flag` (the flag the value came from, e.g.
// "--calib-blocks"), the value and the number of blocks for bad syntax, an
// empty slice (A > B) or indices outside [0, num_blocks - 1].
BlockSlice ParseBlockSlice(std::string_view spec, int num_blocks, std::string_view flag);

// The blocks of `slice`, copied.
std::vector<std::string> SelectBlocks(const std::vector<std::string>& blocks, BlockSlice slice);

}  // namespace flexcim::pruner
