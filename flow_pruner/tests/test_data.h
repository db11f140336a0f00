// Test access to ../shared/data: locates the directory (env FLEXCIM_DATA, else
// FLEXCIM_SOURCE_DIR/../shared/data) and checks each file's size and sha256
// against shared/data/README.md before a test uses it.
#pragma once

#include <string>
#include <string_view>

namespace flexcim::pruner::testdata {

std::string DataDir();

// The full path of `name` (e.g. "stories260K.bin") after checking its size
// and sha256 (once per process). Throws std::runtime_error on a mismatch.
std::string CheckedDataFile(const std::string& name);

std::string Sha256Hex(std::string_view bytes);

// A fresh empty directory under the system temp dir for this test. It is
// removed when the test ends, unless the test failed (then it is kept for
// inspection); one made outside a test (e.g. in SetUpTestSuite) is removed
// when the test program ends.
std::string MakeTempDir();

}  // namespace flexcim::pruner::testdata
