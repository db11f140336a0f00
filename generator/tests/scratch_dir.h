// ScratchDir: a fresh empty directory under the system temp dir, removed
// (with its contents) when the test ends.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace flexcim::gen::testing {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("flexcim_gen_" + tag + "_" + std::to_string(getpid()) + "_" +
             std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace flexcim::gen::testing
