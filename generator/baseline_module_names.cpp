#include "generator/baseline_module_names.h"

#include <fmt/format.h>

namespace flexcim::gen {

BaselineModuleNames BaselineModuleNames::For(const BaselineConfig& config) {
  const std::string arch = config.arch_name();
  const std::string cfg = config.Name();
  auto named = [&](const char* block) { return fmt::format("dcim_{}_{}_{}", arch, block, cfg); };
  return BaselineModuleNames{
      .multiplier = named("mul"),
      .adder_tree = named("adder_tree"),
      .storage = named("storage"),
      .distribution = named("distribution"),
      .valid_pipe = named("valid_pipe"),
      .serializer = named("serializer"),
      .shift_acc = named("shift_acc"),
      .control = named("ctrl_reg"),
      .top = arch + "_top",
  };
}

}  // namespace flexcim::gen
