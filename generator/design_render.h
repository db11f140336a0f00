// Rendering shared by every architecture's generator: one module per file
// with the provenance header, and the manifest.json layout (FLEXCIM.md 5b,
// docs/ARCHITECTURE.md "Baselines").
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/arch_traits.h"
#include "core/macro_config.h"
#include "generator/generated_design.h"
#include "generator/vast/module_builder.h"
#include "generator/vast/vast.h"

namespace flexcim::gen {

using EmitFn = std::function<vast::Module*(vast::VerilogFile&)>;

// Renders the module `emit` adds into its own file "<module>.v", headed by
// the generator version, "Reproduce: flexcim gen <flags> --out <dir>" and
// `description`. `ports` (optional) receives the module's ports.
GeneratedFile RenderModuleFile(const std::string& flags, const std::string& description,
                               const EmitFn& emit, std::vector<vast::Port>* ports = nullptr);

// manifest.json (core/config_json.h ManifestToJson): everything derived
// from (arch, config), plus the design's files, the generator version and
// `flags`. Throws flexcim::Error when `top_ports` (the emitted top level's
// ports) differ from TopPorts(arch, config): the table is the contract.
nlohmann::ordered_json DesignManifest(Arch arch, const MacroConfig& config, const std::string& flags,
                                      const std::vector<vast::Port>& top_ports,
                                      const GeneratedDesign& design);

// Declares `ports` on `m` in order (the top levels take TopPorts()).
void AddPorts(vast::ModuleBuilder& m, const std::vector<PortSpec>& ports);

}  // namespace flexcim::gen
