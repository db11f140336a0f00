// NmPattern: an N:M sparsity pattern and whether a macro can run it
// (FLEXCIM.md section 1: M in {2,4,...,2P}, N in {1,2,4,...,P}, N <= M, powers
// of two; N = M is dense and runs like 2:2).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/macro_config.h"

namespace flexcim {

struct NmPattern {
  int n = 2;
  int m = 4;

  bool dense() const { return n == m; }
  double sparsity() const { return static_cast<double>(m - n) / m; }
  std::string ToString() const;  // "2:4"
  // Parses "N:M" (positive integers, N <= M). Throws UsageError naming `flag`.
  static NmPattern Parse(std::string_view text, std::string_view flag);

  // The pattern the macro is actually programmed with: dense runs as 2:2.
  NmPattern Hardware() const { return dense() ? NmPattern{2, 2} : *this; }
  // True when `config` can run this pattern.
  bool SupportedBy(const MacroConfig& config) const;
  // Throws UsageError "<flag> N:M: macro <name> runs N:M with ..." when not.
  void RequireSupportedBy(const MacroConfig& config, std::string_view flag) const;

  auto operator<=>(const NmPattern&) const = default;
};

// Every pattern `config` runs with M <= 2P, ordered by (M, N).
std::vector<NmPattern> SupportedPatterns(const MacroConfig& config);

// Parses "2:4,4:4,2:8". Throws UsageError naming `flag`.
std::vector<NmPattern> ParsePatternList(std::string_view text, std::string_view flag);

}  // namespace flexcim
