#include "core/nm_pattern.h"

#include <fmt/format.h>

#include <charconv>

#include "core/errors.h"

namespace flexcim {

std::string NmPattern::ToString() const { return fmt::format("{}:{}", n, m); }

namespace {

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

NmPattern NmPattern::Parse(std::string_view text, std::string_view flag) {
  const auto colon = text.find(':');
  NmPattern p;
  if (colon == std::string_view::npos || !ParseInt(text.substr(0, colon), p.n) ||
      !ParseInt(text.substr(colon + 1), p.m) || p.n < 1 || p.m < 1 || p.n > p.m) {
    throw UsageError(
        fmt::format("{} {}: must be N:M with integers 1 <= N <= M (e.g. 2:4)", flag, text));
  }
  return p;
}

bool NmPattern::SupportedBy(const MacroConfig& config) const {
  const NmPattern hw = Hardware();
  if (!IsPowerOfTwo(hw.n) || !IsPowerOfTwo(hw.m)) return false;
  return hw.m >= 2 && hw.m <= config.window() && hw.n <= config.subs() && hw.n <= hw.m;
}

void NmPattern::RequireSupportedBy(const MacroConfig& config, std::string_view flag) const {
  if (SupportedBy(config)) return;
  throw UsageError(fmt::format(
      "{} {}: macro {} cannot run it (it runs N:M with M in {{2..{}}}, N in {{1..{}}}, both "
      "powers of two, N <= M; N = M runs as 2:2)",
      flag, ToString(), config.Name(), config.window(), config.subs()));
}

std::vector<NmPattern> SupportedPatterns(const MacroConfig& config) {
  std::vector<NmPattern> out;
  for (int m = 2; m <= config.window(); m *= 2) {
    for (int n = 1; n <= m; n *= 2) {
      NmPattern p{n, m};
      if (p.SupportedBy(config)) out.push_back(p);
    }
  }
  return out;
}

std::vector<NmPattern> ParsePatternList(std::string_view text, std::string_view flag) {
  std::vector<NmPattern> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    out.push_back(NmPattern::Parse(text.substr(start, comma - start), flag));
    start = comma + 1;
  }
  return out;
}

}  // namespace flexcim
