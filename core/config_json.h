// The one JSON form of a macro configuration and of a generated design's
// manifest (FLEXCIM.md 5b, docs/ARCHITECTURE.md "Manifest"): written by the
// generator and the pruned container, read by the testbenches, synth, the
// mapper and the container reader. Errors name the source (a file) and the
// key.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/arch_traits.h"
#include "core/macro_config.h"

namespace flexcim {

// {"P", "R", "C", "G", "A", "W"} and, only when not the default, "mac"
// ("bit-serial") and "storage" ("latch").
nlohmann::ordered_json ConfigToJson(const MacroConfig& config);
// Reads that object back: the one reader of a configuration in JSON (the
// manifest, the pruned container's header, sweep manifests). Throws
// flexcim::Error "<source>: <message>" for a missing or mistyped key and for
// values outside the ranges of MacroConfig::Create, worded with the key
// ("x.json: P = 3: must be a power of two in [1, 16]").
MacroConfig ConfigFromJson(const nlohmann::json& j, const std::string& source);
// The same with P..W in `params` and the optional "mac"/"storage" keys in
// `styles` (a manifest keeps the styles beside "params").
MacroConfig ConfigFromJson(const nlohmann::json& params, const nlohmann::json& styles, const std::string& source);

// manifest.json of `flexcim gen`.
struct Manifest {
  Arch arch = Arch::kFlexcim;
  MacroConfig config = MacroConfig::Default();
  int output_width = 0;
  int latency = 0;               // FLEXCIM.md 5b: in_valid in cycle c, out_valid in c+latency
  int initiation_interval = 1;   // cycles between vectors (5, 5c)
  int write_latency = 1;         // Lw: a write at edge t is seen from edge t+Lw (5b)
  std::vector<PortSpec> ports;
  std::string top;
  std::vector<std::string> files;
  // Modules holding latches (latch storage only; empty for flip-flops).
  std::vector<std::string> latch_modules;
  std::string generator_version;
  std::string flags;
};

// Keys in order: arch, params, mac, storage, latch_modules (latch storage
// only), output_width, latency,
// initiation_interval, write_latency, ports [{name, direction, width}], top, files,
// generator_version, flags.
nlohmann::ordered_json ManifestToJson(const Manifest& manifest);
// Parses and checks a manifest: the configuration, and latency,
// initiation_interval, output_width and ports equal to what this build
// derives from it (a manifest of another generator version or a hand-edited
// one is refused, naming the key, both values and `source`).
Manifest ManifestFromJson(const nlohmann::json& j, const std::string& source);
// Reads <dir>/manifest.json.
Manifest ReadManifest(const std::filesystem::path& dir);

// What the configuration derives for an architecture (the fields a
// manifest states besides files, version and flags).
Manifest DerivedManifest(Arch arch, const MacroConfig& config);

}  // namespace flexcim
