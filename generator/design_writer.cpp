#include "generator/design_writer.h"

#include "core/output_directory.h"

namespace flexcim::gen {

namespace fs = std::filesystem;

void WriteDesign(const GeneratedDesign& design, const fs::path& out_dir) {
  WriteOutputDirectory(out_dir, "gen", [&](const fs::path& staging) {
    for (const GeneratedFile& f : design.files) WriteTextFile(staging / f.name, f.text);
    WriteTextFile(staging / kManifestFileName, design.ManifestText());
  });
}

}  // namespace flexcim::gen
