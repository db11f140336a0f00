#include "flow_pruner/file_bytes.h"

#include "core/input_file.h"

namespace flexcim::pruner {

std::string ReadFileBytes(const std::string& path) { return ReadRegularFile(path); }

}  // namespace flexcim::pruner
