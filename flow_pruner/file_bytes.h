// Whole-file reads and atomic whole-file writes for the model-side files
// (models, tokenizers, text). Errors are one-line flexcim::Error starting
// with the path.
#pragma once

#include <string>
#include <string_view>

namespace flexcim::pruner {

// Reads the whole file. Throws Error "PATH: cannot open: <reason>" or
// "PATH: read failed: <reason>".
std::string ReadFileBytes(const std::string& path);

// Writes `bytes` to a temporary file next to `path`, then renames it over
// `path`, so readers never see a half-written file. Throws Error naming the
// path on failure (and removes the temporary file).
void WriteFileAtomically(const std::string& path, std::string_view bytes);

}  // namespace flexcim::pruner
