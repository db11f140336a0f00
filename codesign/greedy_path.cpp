#include "codesign/greedy_path.h"

#include <fmt/format.h>

#include <limits>

#include "core/errors.h"

namespace flexcim::codesign {

std::vector<PathPoint> GreedyPath(const PathProblem& p) {
  const int L = static_cast<int>(p.options.size());
  for (int b = 0; b < L; ++b) {
    if (p.options[b].empty() || !p.options[b].front().dense()) {
      throw Error(fmt::format("codesign path: block {} has no dense option first", b));
    }
  }
  std::vector<int> current(L, 0);
  auto patterns_of = [&](const std::vector<int>& a) {
    std::vector<NmPattern> out;
    for (int b = 0; b < L; ++b) out.push_back(p.options[b][a[b]]);
    return out;
  };
  std::vector<PathPoint> path;
  {
    PathPoint start;
    start.patterns = patterns_of(current);
    start.cost = p.cost(start.patterns);
    start.validation_nll = p.joint_nll(start.patterns);
    start.step = "start";
    path.push_back(std::move(start));
  }
  while (true) {
    const double cost_now = path.back().cost;
    // Score: gain / estimated loss; a change that gains without any
    // estimated loss ranks above every other (by gain).
    struct Best {
      bool free = false;
      double score = -1, gain = 0;
      int block = -1, option = -1;
      double cost = 0;
    } best;
    for (int b = 0; b < L; ++b) {
      const double here = p.alone_delta(b, p.options[b][current[b]]);
      for (int k = 0; k < static_cast<int>(p.options[b].size()); ++k) {
        if (k == current[b]) continue;
        std::vector<int> a = current;
        a[b] = k;
        const double c = p.cost(patterns_of(a));
        const double gain = cost_now - c;
        if (!(gain > 0)) continue;
        const double loss = p.alone_delta(b, p.options[b][k]) - here;
        const bool free = loss <= 0;
        const double score = free ? gain : gain / loss;
        const bool better = best.block < 0 || (free && !best.free) ||
                            (free == best.free && (score > best.score || (score == best.score && gain > best.gain)));
        if (better) best = {free, score, gain, b, k, c};
      }
    }
    if (best.block < 0) break;
    const NmPattern from = p.options[best.block][current[best.block]];
    current[best.block] = best.option;
    PathPoint pt;
    pt.patterns = patterns_of(current);
    pt.cost = best.cost;
    pt.validation_nll = p.joint_nll(pt.patterns);
    pt.step = fmt::format("block {} {} -> {}", best.block, from.ToString(), pt.patterns[best.block].ToString());
    path.push_back(std::move(pt));
  }
  return path;
}

}  // namespace flexcim::codesign
