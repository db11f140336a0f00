#include "core/design_manifest.h"

#include <fmt/format.h>

#include "core/config_json.h"
#include "core/errors.h"
#include "core/input_file.h"
#include "core/json_input.h"

namespace flexcim {

namespace {

bool IsPlainVerilogName(const std::string& f) {
  if (f.size() < 3 || f.size() > 255 || f.compare(f.size() - 2, 2, ".v") != 0 || f[0] == '.') return false;
  for (const char ch : f) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                    ch == '.' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 255 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (const char ch : s) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  }
  return true;
}

}  // namespace

DesignManifest ParseDesignManifest(std::string_view text, std::string_view source) {
  const nlohmann::json j = ParseJsonText(text, source);
  const std::string context(source);
  DesignManifest m;
  const std::string arch = JsonString(j, "arch", context);
  bool known = false;
  for (const ArchTraits& t : AllArchTraits()) {
    if (t.name == arch) {
      m.arch = t.arch;
      known = true;
    }
  }
  if (!known) throw Error(fmt::format("{}: 'arch' is \"{}\"; must be flexcim, dense or sparse12", context, arch));
  m.config = ConfigFromJson(JsonObject(j, "params", context), j, context);
  m.top = JsonString(j, "top", context);
  if (!IsIdentifier(m.top)) throw Error(fmt::format("{}: 'top' \"{}\" is not a Verilog module name", context, m.top));
  m.latency = static_cast<int>(JsonInteger(j, "latency", 0, 1024, context));
  if (j.contains("write_latency")) {
    m.write_latency = static_cast<int>(JsonInteger(j, "write_latency", 1, 1024, context));
  }
  const nlohmann::json& files = JsonArray(j, "files", context);
  if (files.empty()) throw Error(fmt::format("{}: 'files' is empty", context));
  for (size_t i = 0; i < files.size(); ++i) {
    if (!files[i].is_string() || !IsPlainVerilogName(files[i].get<std::string>())) {
      throw Error(fmt::format("{}: 'files'[{}] is {}; must be the name of a .v file in the design directory", context,
                              i, files[i].dump()));
    }
    m.files.push_back(files[i].get<std::string>());
  }
  return m;
}

DesignManifest ReadDesignManifest(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "manifest.json";
  return ParseDesignManifest(ReadRegularFile(path), path.string());
}

}  // namespace flexcim
