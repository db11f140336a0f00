#include "generator/merge_control_plan.h"

namespace flexcim::gen {

MergeControlPlan MergeControlPlan::For(const MacroConfig& config) {
  MergeControlPlan plan;
  plan.levels = config.log2_subs();
  if (plan.levels == 0) return plan;
  // A leaf drives the muxes of its lanes at the merge's lane width (O, or
  // W + log2 R + log2 P for bit-serial plane sums).
  const int o = config.merge_lane_width();
  while (plan.columns_per_leaf * 2 <= config.cols() &&
         plan.columns_per_leaf * 2 * o <= kMaxControlFanout) {
    plan.columns_per_leaf *= 2;
  }
  plan.leaves = config.output_lanes() / plan.columns_per_leaf;
  plan.roots = plan.leaves > kMaxControlFanout ? plan.leaves / kMaxControlFanout : 1;
  plan.leaves_per_root = plan.leaves / plan.roots;
  return plan;
}

}  // namespace flexcim::gen
