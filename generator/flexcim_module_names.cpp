#include "generator/flexcim_module_names.h"

#include <fmt/format.h>

namespace flexcim::gen {

FlexcimModuleNames FlexcimModuleNames::For(const MacroConfig& config) {
  const std::string cfg = config.Name();
  auto named = [&](const char* block) { return fmt::format("flexcim_{}_{}", block, cfg); };
  return FlexcimModuleNames{
      .multiplier = named("mul"),
      .adder_tree = named("adder_tree"),
      .cell_storage = named("storage"),
      .select_storage = named("select_storage"),
      .distribution = named("distribution"),
      .pair_mux = named("distribution_pair_mux"),
      .submacro = named("submacro"),
      .merge = named("merge"),
      .merge_control = named("merge_ctrl"),
      .control = named("ctrl_reg"),
      .valid_pipe = named("valid_pipe"),
      .serializer = named("serializer"),
      .shift_acc = named("shift_acc"),
      .top = "flexcim_top",
  };
}

}  // namespace flexcim::gen
