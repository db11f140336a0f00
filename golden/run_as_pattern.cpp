#include "golden/run_as_pattern.h"

#include <array>

#include "core/parse_named.h"
#include "golden/tile_mapping.h"

namespace flexcim::golden {

namespace {

// In the order of RunAsPolicy.
constexpr std::array<std::string_view, 3> kRunAsNames = {"pruned", "fewest-tiles", "widest"};

}  // namespace

std::string_view RunAsPolicyName(RunAsPolicy policy) { return kRunAsNames[static_cast<int>(policy)]; }

RunAsPolicy ParseRunAsPolicy(std::string_view text) {
  return ParseNamed<RunAsPolicy>("--flexcim-run-as", text, kRunAsNames);
}

std::vector<NmPattern> EquivalentPatterns(const MacroConfig& config, const NmPattern& pattern) {
  pattern.RequireSupportedBy(config, "pattern");
  const NmPattern hw = pattern.Hardware();
  std::vector<NmPattern> out{hw};
  if (hw.dense()) return out;
  for (NmPattern p{2 * hw.n, 2 * hw.m}; p.SupportedBy(config); p = {2 * p.n, 2 * p.m}) out.push_back(p);
  return out;
}

NmPattern ChooseRunAsPattern(RunAsPolicy policy, const MacroConfig& config, const NmPattern& pattern,
                             int out_features, int in_features) {
  const std::vector<NmPattern> candidates = EquivalentPatterns(config, pattern);
  switch (policy) {
    case RunAsPolicy::kPruned: return candidates.front();
    case RunAsPolicy::kWidest: return candidates.back();
    case RunAsPolicy::kFewestTiles: break;
  }
  NmPattern best = candidates.front();
  int64_t best_tiles = LayerTileGrid(config, best, out_features, in_features).count();
  for (const NmPattern& p : candidates) {
    const int64_t tiles = LayerTileGrid(config, p, out_features, in_features).count();
    if (tiles <= best_tiles) {  // candidates ascend in N: ties go to the larger N
      best = p;
      best_tiles = tiles;
    }
  }
  return best;
}

}  // namespace flexcim::golden
