// Whole-file reads for the model-side files
// (models, tokenizers, text). Errors are one-line flexcim::Error starting
// with the path.
#pragma once

#include <string>
#include <string_view>

namespace flexcim::pruner {

// Reads the whole file. Throws Error "PATH: cannot open: <reason>" or
// "PATH: read failed: <reason>"; only regular files are read (core/input_file.h).
std::string ReadFileBytes(const std::string& path);


}  // namespace flexcim::pruner
