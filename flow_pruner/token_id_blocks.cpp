#include "flow_pruner/token_id_blocks.h"

#include <fmt/format.h>

#include <charconv>

#include "core/errors.h"
#include "flow_pruner/file_bytes.h"

namespace flexcim::pruner {

std::vector<std::vector<int>> ParseTokenIdBlocks(std::string_view text, int vocab_size,
                                                 std::string_view source) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.empty()) throw Error(fmt::format("{}: no lines", source));
  std::vector<std::vector<int>> blocks;
  size_t line_start = 0;
  while (line_start <= text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    const std::string_view line = text.substr(line_start, line_end - line_start);
    const size_t line_no = blocks.size() + 1;
    std::vector<int>& ids = blocks.emplace_back();
    size_t i = 0;
    while (i < line.size()) {
      if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
      const std::string_view word = line.substr(i, j - i);
      int64_t id = -1;
      const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), id);
      if (ec != std::errc() || end != word.data() + word.size()) {
        throw Error(fmt::format("{}: line {}: '{}' is not a token id", source, line_no, word));
      }
      if (id < 0 || id >= vocab_size) {
        throw Error(fmt::format("{}: line {}: token id {} is outside the model's vocabulary [0, {})",
                                source, line_no, id, vocab_size));
      }
      ids.push_back(static_cast<int>(id));
      i = j;
    }
    if (ids.empty()) throw Error(fmt::format("{}: line {}: no token ids", source, line_no));
    line_start = line_end + 1;
  }
  return blocks;
}

std::vector<std::vector<int>> ReadTokenIdBlocks(const std::string& path, int vocab_size) {
  return ParseTokenIdBlocks(ReadFileBytes(path), vocab_size, path);
}

}  // namespace flexcim::pruner
