// The pattern FlexCiM runs a pruned layer as (`flexcim map --flexcim-run-as`).
//
// An N:M mask with N < M is also a legal kN:kM mask for every power of two k
// (k consecutive groups of M inputs form one group of kM; the pair selects
// of each group keep their slots, so a select group's sharing is unchanged),
// and the macro runs kN:kM whenever kN <= P and kM <= 2P (FLEXCIM.md 1, 4).
// Every one of these holds the same kept weights in the same number of cells
// per tile (R*kM inputs x (P/kN)*C outputs), so the choice changes only the
// tile count, through padding of K and O_out, and how many of the P*C output
// lanes carry data (P/N blocks of C: fewer lanes switch at larger N).
//
// Policies:
//   pruned       the pattern as pruned (pattern.Hardware(); the default);
//   fewest-tiles the equivalent with the fewest tiles for the layer's shape,
//                ties to the largest N;
//   widest       the largest N the macro runs (a 1:2 layer as P:2P, the
//                fixed 1:2 macro's tile geometry of 2*P*R inputs x C outputs).
// Dense layers (N = M) run as 2:2 under every policy.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/macro_config.h"
#include "core/nm_pattern.h"

namespace flexcim::golden {

// Values 0, 1, 2: the order of the names in run_as_pattern.cpp.
enum class RunAsPolicy { kPruned, kFewestTiles, kWidest };

std::string_view RunAsPolicyName(RunAsPolicy policy);
// UsageError "--flexcim-run-as X: must be one of pruned, fewest-tiles, widest".
RunAsPolicy ParseRunAsPolicy(std::string_view text);

// pattern.Hardware() first, then kN:kM for k = 2, 4, ... while the macro runs
// it; only pattern.Hardware() for a dense pattern. `pattern` must be one the
// macro runs (RequireSupportedBy).
std::vector<NmPattern> EquivalentPatterns(const MacroConfig& config, const NmPattern& pattern);

// The pattern a layer of out_features x in_features pruned with `pattern`
// runs as under `policy` (one of EquivalentPatterns).
NmPattern ChooseRunAsPattern(RunAsPolicy policy, const MacroConfig& config, const NmPattern& pattern,
                             int out_features, int in_features);

}  // namespace flexcim::golden
