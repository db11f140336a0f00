#include "core/config_json.h"

#include <fmt/format.h>


#include "core/baseline_config.h"
#include "core/errors.h"
#include "core/json_input.h"

namespace flexcim {

namespace {

using Json = nlohmann::json;

int IntAt(const Json& j, const char* key, const std::string& source) {
  return static_cast<int>(JsonInteger(j, key, -(1 << 20), 1 << 20, source));
}

std::string StringAt(const Json& j, const char* key, const std::string& source) {
  return JsonString(j, key, source);
}

// MacroConfig::Create and the style parsers throw UsageError naming the
// flag; in a file that is a runtime error naming the file.
template <typename F>
auto InFile(const std::string& source, F&& f) {
  try {
    return f();
  } catch (const UsageError& e) {
    throw Error(fmt::format("{}: {}", source, e.what()));
  }
}

// MacroConfig::Create and the style parsers word their errors with the
// flags (--subs 3: ...); a file has keys, so the message names the key
// (P = 3: ...) and the file.
std::string KeyWorded(std::string message) {
  static constexpr std::pair<std::string_view, std::string_view> kFlagKeys[] = {
      {"--subs ", "P = "},      {"--rows ", "R = "},   {"--cols ", "C = "},  {"--sel-group ", "G = "},
      {"--a-bits ", "A = "},    {"--w-bits ", "W = "}, {"--mac ", "mac = "}, {"--storage ", "storage = "}};
  for (const auto& [flag, key] : kFlagKeys) {
    if (message.rfind(flag, 0) == 0) return std::string(key) + message.substr(flag.size());
  }
  return message;
}

// P..W from `params` (integers, range-checked before any arithmetic), the
// optional "mac" and "storage" from `styles`.
MacroConfig ConfigFrom(const Json& params, const Json& styles, const std::string& source) {
  MacroParams p{.subs = static_cast<int>(JsonInteger(params, "P", 0, 1 << 16, source)),
                .rows = static_cast<int>(JsonInteger(params, "R", 0, 1 << 16, source)),
                .cols = static_cast<int>(JsonInteger(params, "C", 0, 1 << 16, source)),
                .sel_group = static_cast<int>(JsonInteger(params, "G", 1, 1 << 16, source)),
                .a_bits = static_cast<int>(JsonInteger(params, "A", 0, 64, source)),
                .w_bits = static_cast<int>(JsonInteger(params, "W", 0, 64, source))};
  try {
    if (styles.contains("mac")) p.mac = ParseMacStyle(StringAt(styles, "mac", source));
    if (styles.contains("storage")) p.storage = ParseStorageKind(StringAt(styles, "storage", source));
    return MacroConfig::Create(p);
  } catch (const UsageError& e) {
    throw Error(fmt::format("{}: {}", source, KeyWorded(e.what())));
  }
}

nlohmann::ordered_json SixParams(const MacroConfig& c) {
  nlohmann::ordered_json p;
  p["P"] = c.subs();
  p["R"] = c.rows();
  p["C"] = c.cols();
  p["G"] = c.sel_group();
  p["A"] = c.a_bits();
  p["W"] = c.w_bits();
  return p;
}

template <typename T>
void RequireEqual(const char* key, const T& stated, const T& derived, const MacroConfig& c,
                  const std::string& source) {
  if (stated == derived) return;
  throw Error(fmt::format("{}: \"{}\" is {} but {} derives {} (written by another generator "
                          "version or edited): regenerate it with flexcim gen",
                          source, key, stated, c.Name(), derived));
}

}  // namespace

nlohmann::ordered_json ConfigToJson(const MacroConfig& config) {
  nlohmann::ordered_json p = SixParams(config);
  if (config.mac() != MacStyle::kBitParallel) p["mac"] = MacStyleName(config.mac());
  if (config.storage() != StorageKind::kFlipFlop) p["storage"] = StorageKindName(config.storage());
  return p;
}

MacroConfig ConfigFromJson(const Json& j, const std::string& source) {
  return ConfigFrom(j, j, source);
}

MacroConfig ConfigFromJson(const Json& params, const Json& styles, const std::string& source) {
  return ConfigFrom(params, styles, source);
}

Manifest DerivedManifest(Arch arch, const MacroConfig& config) {
  Manifest m;
  m.arch = arch;
  m.config = config;
  m.top = std::string(TraitsOf(arch).top);
  m.ports = TopPorts(arch, config);
  if (arch == Arch::kFlexcim) {
    m.output_width = config.output_width();
    m.latency = config.pipeline_latency();
    m.initiation_interval = config.initiation_interval();
    m.write_latency = config.write_latency();
  } else {
    const BaselineConfig b = BaselineConfig::For(arch, config);
    m.config = b.macro();
    m.output_width = b.output_width();
    m.latency = b.pipeline_latency();
    m.initiation_interval = b.initiation_interval();
    m.write_latency = b.write_latency();
  }
  return m;
}

nlohmann::ordered_json ManifestToJson(const Manifest& m) {
  nlohmann::ordered_json ports = nlohmann::ordered_json::array();
  for (const PortSpec& p : m.ports) {
    nlohmann::ordered_json port;
    port["name"] = p.name;
    port["direction"] = p.is_output ? "output" : "input";
    port["width"] = p.width;
    ports.push_back(port);
  }
  nlohmann::ordered_json j;
  j["arch"] = ArchName(m.arch);
  j["params"] = SixParams(m.config);
  j["mac"] = MacStyleName(m.config.mac());
  j["storage"] = StorageKindName(m.config.storage());
  if (m.config.storage() == StorageKind::kLatch) j["latch_modules"] = m.latch_modules;
  j["output_width"] = m.output_width;
  j["latency"] = m.latency;
  j["initiation_interval"] = m.initiation_interval;
  j["write_latency"] = m.write_latency;
  j["ports"] = ports;
  j["top"] = m.top;
  j["files"] = m.files;
  j["generator_version"] = m.generator_version;
  j["flags"] = m.flags;
  return j;
}

Manifest ManifestFromJson(const Json& j, const std::string& source) {
  const Arch arch = InFile(source, [&] { return ParseArch(StringAt(j, "arch", source)); });
  const MacroConfig config = ConfigFrom(JsonObject(j, "params", source), j, source);
  Manifest m = DerivedManifest(arch, config);
  RequireEqual("top", StringAt(j, "top", source), m.top, config, source);
  RequireEqual("output_width", IntAt(j, "output_width", source), m.output_width, config, source);
  RequireEqual("latency", IntAt(j, "latency", source), m.latency, config, source);
  RequireEqual("initiation_interval", IntAt(j, "initiation_interval", source),
               m.initiation_interval, config, source);
  // FLEXCIM.md 5b: a manifest without the key means Lw = 1.
  RequireEqual("write_latency", j.contains("write_latency") ? IntAt(j, "write_latency", source) : 1,
               m.write_latency, config, source);
  std::vector<PortSpec> ports;
  const Json& list = JsonArray(j, "ports", source);
  for (const Json& p : list) {
    const std::string direction = StringAt(p, "direction", source);
    ports.push_back({StringAt(p, "name", source), direction == "output",
                     IntAt(p, "width", source)});
  }
  if (ports != m.ports) {
    throw Error(fmt::format("{}: \"ports\" differ from the {} top level of {}: regenerate it "
                            "with flexcim gen",
                            source, ArchName(arch), config.Name()));
  }
  if (j.contains("files")) {
    for (const Json& f : j.at("files")) {
      if (!f.is_string()) throw Error(fmt::format("{}: \"files\" must hold strings", source));
      m.files.push_back(f.get<std::string>());
    }
  }
  if (j.contains("latch_modules")) {
    for (const Json& name : JsonArray(j, "latch_modules", source)) {
      if (!name.is_string()) throw Error(fmt::format("{}: \"latch_modules\" must hold strings", source));
      m.latch_modules.push_back(name.get<std::string>());
    }
  }
  if (j.contains("generator_version")) m.generator_version = StringAt(j, "generator_version", source);
  if (j.contains("flags")) m.flags = StringAt(j, "flags", source);
  return m;
}

Manifest ReadManifest(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "manifest.json";
  if (!std::filesystem::exists(path)) {
    throw Error(fmt::format("{}: cannot read the design manifest", path.string()));
  }
  return ManifestFromJson(ReadJsonFile(path), path.string());
}

}  // namespace flexcim
