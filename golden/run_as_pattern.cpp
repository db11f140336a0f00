#include "golden/run_as_pattern.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "golden/tile_mapping.h"

namespace flexcim::golden {

std::string_view RunAsPolicyName(RunAsPolicy policy) {
  switch (policy) {
    case RunAsPolicy::kPruned: return "pruned";
    case RunAsPolicy::kFewestTiles: return "fewest-tiles";
    case RunAsPolicy::kWidest: return "widest";
  }
  return "?";
}

RunAsPolicy ParseRunAsPolicy(std::string_view text) {
  for (RunAsPolicy p : {RunAsPolicy::kPruned, RunAsPolicy::kFewestTiles, RunAsPolicy::kWidest}) {
    if (text == RunAsPolicyName(p)) return p;
  }
  throw UsageError(fmt::format("--flexcim-run-as {}: must be one of pruned, fewest-tiles, widest", text));
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
