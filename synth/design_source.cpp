#include "synth/design_source.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/baseline_config.h"
#include "core/errors.h"
#include "generator/arch_generator.h"
#include "generator/design_writer.h"

namespace flexcim::synth {

std::vector<std::string> SupportedArchs() { return {"flexcim", "dense", "sparse12"}; }

void CheckArch(const std::string& arch) {
  const auto archs = SupportedArchs();
  if (std::find(archs.begin(), archs.end(), arch) != archs.end()) return;
  throw UsageError(fmt::format("--arch {}: unknown architecture; supported: {}", arch, fmt::join(archs, ", ")));
}

void WriteArchDesign(const std::string& arch, const MacroConfig& config, const std::filesystem::path& rtl_dir) {
  CheckArch(arch);
  gen::WriteDesign(gen::GenerateArch(ParseArch(arch), config), rtl_dir);
}

}  // namespace flexcim::synth
