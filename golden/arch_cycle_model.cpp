#include "golden/arch_cycle_model.h"

#include "golden/baseline_model.h"
#include "golden/cycle_model.h"

namespace flexcim::golden {

std::unique_ptr<PinLevelModel> MakeArchCycleModel(const ArchConfig& design) {
  if (design.arch() == Arch::kFlexcim) return std::make_unique<CycleModel>(design.macro());
  return std::make_unique<BaselineModel>(BaselineConfig::For(design.arch(), design.macro()));
}

}  // namespace flexcim::golden
