// The codesign search for one architecture (docs/CODESIGN.md): one greedy
// path from the dense model towards the sparsest assignment that
// architecture runs. Each step takes the single-block change with the
// largest cost gain (decode latency or energy per token, from the system
// model) per unit of estimated validation-NLL increase (the blocks' alone
// deltas, BlockVariants::AloneDelta), then measures the new assignment's
// joint validation NLL. Every budget's point lies on the path: the cheapest
// point whose perplexity meets the budget.
#pragma once

#include <functional>
#include <vector>

#include "core/nm_pattern.h"

namespace flexcim::codesign {

struct PathPoint {
  std::vector<NmPattern> patterns;  // one per block
  double cost = 0;                  // the objective (lower is better)
  double validation_nll = 0;        // joint, variants from dense inputs
  std::string step;                 // "start" or "block 3 2:2 -> 1:4"
};

struct PathProblem {
  // Per block, the patterns the architecture runs there; the first must be
  // the dense one (where the path starts).
  std::vector<std::vector<NmPattern>> options;
  std::function<double(const std::vector<NmPattern>&)> cost;
  std::function<double(int block, const NmPattern&)> alone_delta;
  // Joint validation NLL of an assignment.
  std::function<double(const std::vector<NmPattern>&)> joint_nll;
};

// Points in path order: the start (every block dense), then one per step,
// each strictly cheaper than the one before. Deterministic: ties go to
// the larger gain, then the lower block, then the option listed first.
std::vector<PathPoint> GreedyPath(const PathProblem& problem);

}  // namespace flexcim::codesign
