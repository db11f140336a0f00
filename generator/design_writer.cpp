#include "generator/design_writer.h"

#include "core/file_if_changed.h"
#include "core/output_directory.h"

namespace flexcim::gen {

namespace fs = std::filesystem;

void WriteDesign(const GeneratedDesign& design, const fs::path& out_dir) {
  WriteOutputDirectory(out_dir, "gen", [&](const fs::path& staging) {
    for (const GeneratedFile& f : design.files) WriteTextFile(staging / f.name, f.text);
    WriteTextFile(staging / kManifestFileName, design.ManifestText());
  });
}

bool WriteDesignIfChanged(const GeneratedDesign& design, const fs::path& out_dir) {
  bool same = FileHolds(out_dir / kManifestFileName, design.ManifestText());
  for (const GeneratedFile& f : design.files) same = same && FileHolds(out_dir / f.name, f.text);
  if (same) return false;
  WriteDesign(design, out_dir);
  return true;
}

}  // namespace flexcim::gen
