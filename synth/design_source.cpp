#include "synth/design_source.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/errors.h"
#include "generator/design_writer.h"
#include "generator/flexcim_generator.h"

namespace flexcim::synth {

std::vector<std::string> SupportedArchs() { return {gen::kArchFlexcim}; }

void CheckArch(const std::string& arch) {
  const auto archs = SupportedArchs();
  if (std::find(archs.begin(), archs.end(), arch) != archs.end()) return;
  const bool baseline = arch == "dense" || arch == "sparse12";
  throw UsageError(fmt::format("--arch {}: {}; supported: {}", arch,
                               baseline ? "the generator does not emit this baseline yet" : "unknown architecture",
                               fmt::join(archs, ", ")));
}

void WriteArchDesign(const std::string& arch, const MacroConfig& config, const std::filesystem::path& rtl_dir) {
  CheckArch(arch);
  gen::WriteDesign(gen::GenerateFlexcim(config), rtl_dir);
}

}  // namespace flexcim::synth
