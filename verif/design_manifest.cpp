#include "verif/design_manifest.h"

#include "core/config_json.h"

namespace flexcim::verif {

DesignManifest ReadDesignManifest(const std::filesystem::path& rtl_dir) {
  const Manifest m = ReadManifest(rtl_dir);
  return {ArchName(m.arch), m.top, m.config};
}

}  // namespace flexcim::verif
