#include "flow_pruner/text_blocks.h"

#include <fmt/format.h>

#include <charconv>

#include "core/errors.h"
#include "flow_pruner/file_bytes.h"

namespace flexcim::pruner {

namespace {

bool ParseIndex(std::string_view s, int& value) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

std::vector<std::string> SplitTextBlocks(std::string_view text) {
  std::vector<std::string> blocks;
  size_t start = 0;
  while (true) {
    const size_t end = text.find("\n\n", start);
    const std::string_view piece =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!piece.empty()) blocks.emplace_back(piece);
    if (end == std::string_view::npos) break;
    start = end + 2;
  }
  return blocks;
}

std::vector<std::string> ReadTextBlocks(const std::string& path) {
  std::string text = ReadFileBytes(path);
  // CRLF text (saved on Windows): "\r\n\r\n" is a blank line too.
  if (text.find("\r\n") != std::string::npos) {
    std::string lf;
    lf.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
      if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) lf += text[i];
    }
    text = std::move(lf);
  }
  std::vector<std::string> blocks = SplitTextBlocks(text);
  if (blocks.empty()) {
    throw Error(fmt::format(
        "{}: text has no blocks ({} bytes, nothing left after splitting on blank lines)", path,
        text.size()));
  }
  return blocks;
}

std::string BlockSlice::ToString() const { return fmt::format("{}:{}", first, last); }

BlockSlice ParseBlockSlice(std::string_view spec, int num_blocks, std::string_view flag) {
  BlockSlice slice;
  const size_t colon = spec.find(':');
  const bool ok = colon == std::string_view::npos
                      ? ParseIndex(spec, slice.first) && ParseIndex(spec, slice.last)
                      : ParseIndex(spec.substr(0, colon), slice.first) &&
                            ParseIndex(spec.substr(colon + 1), slice.last);
  if (!ok) {
    throw UsageError(fmt::format(
        "{} '{}': must be A:B with integers 0 <= A <= B < {} (inclusive, e.g. 3300:4299)", flag,
        spec, num_blocks));
  }
  if (slice.first > slice.last) {
    throw UsageError(fmt::format("{} '{}' is empty: {} > {} (the text has {} blocks)", flag,
                                 spec, slice.first, slice.last, num_blocks));
  }
  if (slice.first < 0 || slice.last >= num_blocks) {
    throw UsageError(fmt::format(
        "{} '{}' is out of range: the text has {} blocks, valid indices 0..{}", flag, spec,
        num_blocks, num_blocks - 1));
  }
  return slice;
}

std::vector<std::string> SelectBlocks(const std::vector<std::string>& blocks, BlockSlice slice) {
  if (slice.first < 0 || slice.last >= static_cast<int>(blocks.size()) || slice.first > slice.last) {
    throw UsageError(fmt::format("block slice {} is invalid for {} blocks", slice.ToString(),
                                 blocks.size()));
  }
  return {blocks.begin() + slice.first, blocks.begin() + slice.last + 1};
}

}  // namespace flexcim::pruner
