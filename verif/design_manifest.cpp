#include "verif/design_manifest.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace flexcim::verif {

DesignManifest ReadDesignManifest(const std::filesystem::path& rtl_dir) {
  const std::filesystem::path path = rtl_dir / "manifest.json";
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("{}: cannot read the design manifest", path.string()));
  try {
    const nlohmann::json m = nlohmann::json::parse(in);
    const auto& p = m.at("params");
    return {m.value("arch", std::string("flexcim")), m.at("top").get<std::string>(),
            MacroConfig::Create(p.at("P"), p.at("R"), p.at("C"), p.at("G"), p.at("A"), p.at("W"))};
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: not a design manifest: {}", path.string(), e.what()));
  } catch (const UsageError& e) {
    throw Error(fmt::format("{}: {}", path.string(), e.what()));
  }
}

}  // namespace flexcim::verif
