#include "core/output_directory.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <system_error>

#include "core/errors.h"

namespace flexcim {

namespace fs = std::filesystem;

namespace {

// out_dir as an absolute path without a trailing separator.
fs::path Normalized(const fs::path& out_dir) {
  fs::path p = fs::absolute(out_dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p;
}

void RequireReplaceable(const fs::path& target, const std::string& marker) {
  std::error_code ec;
  if (!fs::exists(target, ec)) return;
  if (!fs::is_directory(target, ec)) {
    throw Error(fmt::format("output directory '{}' exists and is not a directory",
                            target.string()));
  }
  if (fs::exists(target / marker, ec) || fs::is_empty(target, ec)) return;
  throw Error(fmt::format("refusing to replace '{}': it is neither empty nor an earlier output (no {})",
                          target.string(), marker));
}

// A sibling of `target` that does not exist yet: .<name>.<tag>-<pid>-<n>.
fs::path FreshSibling(const fs::path& target, const char* tag) {
  for (int n = 0;; ++n) {
    fs::path candidate = target.parent_path() / fmt::format(".{}.{}-{}-{}", target.filename().string(),
                                                            tag, static_cast<long>(getpid()), n);
    std::error_code ec;
    if (!fs::exists(candidate, ec)) return candidate;
  }
}

}  // namespace

void WriteTextFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw Error(fmt::format("cannot write '{}'", path.string()));
}

void WriteOutputDirectory(const fs::path& out_dir, const std::string& marker,
                          const std::function<void(const fs::path& staging)>& fill) {
  const fs::path target = Normalized(out_dir);
  RequireReplaceable(target, marker);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    throw Error(fmt::format("cannot create output directory '{}': {}", target.string(), ec.message()));
  }
  const fs::path staging = FreshSibling(target, "tmp");
  if (!fs::create_directory(staging, ec) || ec) {
    throw Error(fmt::format("cannot write output directory '{}': {}", target.string(),
                            ec ? ec.message() : "staging directory already exists"));
  }
  try {
    fill(staging);
    if (fs::exists(target)) {
      const fs::path previous = FreshSibling(target, "old");
      fs::rename(target, previous);
      try {
        fs::rename(staging, target);
      } catch (...) {
        fs::rename(previous, target);
        throw;
      }
      fs::remove_all(previous, ec);
    } else {
      fs::rename(staging, target);
    }
  } catch (const Error&) {
    fs::remove_all(staging, ec);
    throw;
  } catch (const std::exception& e) {
    fs::remove_all(staging, ec);
    throw Error(fmt::format("cannot write output directory '{}': {}", target.string(), e.what()));
  }
}

}  // namespace flexcim
