// Rendering shared by every architecture's generator: one module per file
// with the provenance header, and the manifest.json layout (FLEXCIM.md 5b,
// docs/ARCHITECTURE.md "Baselines").
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "generator/generated_design.h"
#include "generator/vast/vast.h"

namespace flexcim::gen {

using EmitFn = std::function<vast::Module*(vast::VerilogFile&)>;

// Renders the module `emit` adds into its own file "<module>.v", headed by
// the generator version, "Reproduce: flexcim gen <flags> --out <dir>" and
// `description`. `ports` (optional) receives the module's ports.
GeneratedFile RenderModuleFile(const std::string& flags, const std::string& description,
                               const EmitFn& emit, std::vector<vast::Port>* ports = nullptr);

// What the manifest records beyond the design's files and top.
struct ManifestFields {
  std::string arch;                  // "flexcim", "dense", "sparse12"
  nlohmann::ordered_json params;     // {P, R, C, G, A, W}
  int output_width = 0;
  int latency = 0;                   // cycles from in_valid to out_valid (5b)
  int initiation_interval = 1;       // cycles between input vectors (5, 5c)
  std::vector<vast::Port> top_ports;
  std::string flags;                 // "--arch ... " as in the file headers
};

// Keys in order: arch, params, output_width, latency, initiation_interval, ports [{name,
// direction, width}], top, files, generator_version, flags.
nlohmann::ordered_json DesignManifest(const ManifestFields& fields, const GeneratedDesign& design);

// {P, R, C, G, A, W} of a macro configuration.
nlohmann::ordered_json ParamsJson(int p, int r, int c, int g, int a, int w);

}  // namespace flexcim::gen
