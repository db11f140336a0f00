// GeneratedDesign: the text of every generated Verilog file (one module per
// file, file named after its module) plus the manifest, all in memory.
// Identical inputs give byte-identical output (no timestamps, no paths).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace flexcim::gen {

// Bumped whenever the generated text changes; written into every file
// header and the manifest.
inline constexpr const char* kGeneratorVersion = "0.2.0";
inline constexpr const char* kManifestFileName = "manifest.json";

struct GeneratedFile {
  std::string name;  // "<module>.v"
  std::string text;
};

struct GeneratedDesign {
  std::string top;                  // "flexcim_top", "dense_top", "sparse12_top"
  int latency = 0;                  // MacroConfig / BaselineConfig::pipeline_latency()
  std::vector<GeneratedFile> files;  // compile order: leaves first, top last
  // The modules that hold latches (--storage latch: the storage modules);
  // the manifest's "latch_modules", where synth allows latches.
  std::vector<std::string> latch_modules;
  // Keys in order: arch, params {P,R,C,G,A,W}, output_width, latency,
  // initiation_interval, ports [{name, direction, width}], top, files, generator_version, flags
  // (generator/design_render.h).
  nlohmann::ordered_json manifest;

  // manifest.json as written: 2-space indent, trailing newline.
  std::string ManifestText() const;
};

}  // namespace flexcim::gen
