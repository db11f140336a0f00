#include "core/output_directory.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/input_file.h"

namespace flexcim {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMarkerFormat = "flexcim-output";

// out_dir as an absolute path without a trailing separator.
fs::path Normalized(const fs::path& out_dir) {
  fs::path p = fs::absolute(out_dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p;
}

std::string MarkerText(std::string_view kind) {
  return fmt::format("{{\"format\": \"{}\", \"kind\": \"{}\"}}\n", kMarkerFormat, kind);
}

// The kind recorded in `dir`'s marker, or "" when there is no valid marker.
std::string MarkerKind(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(dir / kOutputMarkerFileName, ec)) return "";
  std::string text;
  try {
    text = ReadRegularFile(dir / kOutputMarkerFileName);
  } catch (const Error&) {
    return "";
  }
  // Exactly what MarkerText writes for some kind: {"format": "...", "kind": "<kind>"}.
  const std::string prefix = MarkerText("");
  const std::string head = prefix.substr(0, prefix.find("\"kind\": \"") + 9);
  if (text.size() <= head.size() + 3 || text.compare(0, head.size(), head) != 0 ||
      text.compare(text.size() - 3, 3, "\"}\n") != 0) {
    return "";
  }
  return text.substr(head.size(), text.size() - head.size() - 3);
}

void RequireReplaceable(const fs::path& target, std::string_view kind) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(target, ec);
  if (!fs::exists(st)) return;
  if (!fs::is_directory(st)) {
    throw Error(fmt::format("output directory '{}' exists and is not a directory", target.string()));
  }
  if (fs::is_empty(target, ec) && !ec) return;
  const std::string found = MarkerKind(target);
  if (found == kind) return;
  if (!found.empty()) {
    throw Error(fmt::format("refusing to replace '{}': it holds the output of 'flexcim {}', not of "
                            "'flexcim {}'; choose another directory or remove it",
                            target.string(), found, kind));
  }
  throw Error(fmt::format("refusing to replace '{}': it is neither empty nor an earlier output of "
                          "'flexcim {}' (no {} marker); choose another directory or remove it",
                          target.string(), kind, kOutputMarkerFileName));
}

std::string SiblingStem(const fs::path& target, const char* tag) {
  return fmt::format(".{}.{}-", target.filename().string(), tag);
}

// A sibling of `target` that does not exist yet: .<name>.<tag>-<pid>-<n>.
fs::path FreshSibling(const fs::path& target, const char* tag) {
  for (int n = 0;; ++n) {
    fs::path candidate =
        target.parent_path() / fmt::format("{}{}-{}", SiblingStem(target, tag), static_cast<long>(getpid()), n);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(candidate, ec))) return candidate;
  }
}

// Staging directories of killed runs are removed; when a run was killed
// between the two renames of a non-atomic swap (no output, a ".old" sibling),
// the previous output is put back first.
void CleanLeftovers(const fs::path& target) {
  std::error_code ec;
  const std::string tmp_stem = SiblingStem(target, "tmp"), old_stem = SiblingStem(target, "old");
  std::vector<fs::path> stale_tmp, stale_old;
  for (fs::directory_iterator it(target.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (IsLeftoverOfDeadProcess(name, tmp_stem)) stale_tmp.push_back(it->path());
    if (IsLeftoverOfDeadProcess(name, old_stem)) stale_old.push_back(it->path());
  }
  for (const fs::path& p : stale_old) {
    std::error_code e;
    if (!fs::exists(fs::symlink_status(target, e))) {
      fs::rename(p, target, e);
      if (!e) continue;
    }
    fs::remove_all(p, e);
  }
  for (const fs::path& p : stale_tmp) {
    std::error_code e;
    fs::remove_all(p, e);
  }
}

// Swaps `staging` and `target` in one step; false when the file system
// cannot (then the caller falls back to two renames).
bool ExchangeAtomically(const fs::path& staging, const fs::path& target) {
  return ::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0;
}

bool Contains(const fs::path& dir, const fs::path& inner) {
  auto d = dir.begin(), i = inner.begin();
  for (; d != dir.end(); ++d, ++i) {
    if (d->empty() && std::next(d) == dir.end()) break;  // trailing separator
    if (i == inner.end() || *d != *i) return false;
  }
  return true;
}

fs::path Resolved(const fs::path& p) {
  std::error_code ec;
  fs::path r = fs::weakly_canonical(fs::absolute(p), ec);
  if (ec) r = fs::absolute(p).lexically_normal();
  if (r.filename().empty()) r = r.parent_path();
  return r;
}

}  // namespace

void WriteTextFile(const fs::path& path, const std::string& text) { WriteFileChecked(path, text); }

void RefuseOutputOverInputs(const FlagPath& output, const std::vector<FlagPath>& inputs) {
  if (output.path.empty()) return;
  const fs::path out = Resolved(output.path);
  for (const FlagPath& input : inputs) {
    if (input.path.empty()) continue;
    const fs::path in = Resolved(input.path);
    if (in == out) {
      throw UsageError(fmt::format("{} {}: is the input {} {}; choose another output", output.flag,
                                   output.path.string(), input.flag, input.path.string()));
    }
    if (Contains(out, in)) {
      throw UsageError(fmt::format("{} {}: contains the input {} {}; choose another output", output.flag,
                                   output.path.string(), input.flag, input.path.string()));
    }

  }
}

std::vector<FlagPath> FilesOfInputDirectory(const std::string& flag, const fs::path& dir) {
  std::vector<FlagPath> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code e;
    if (!it->is_directory(e)) files.push_back({flag, it->path()});
  }
  return files;
}

void CheckOutputDirectory(const fs::path& out_dir, std::string_view kind) {
  const fs::path target = Normalized(out_dir);
  CleanLeftovers(target);
  RequireReplaceable(target, kind);
}

void ClaimOutputDirectory(const FlagPath& out_dir, std::string_view kind) {
  const fs::path target = Normalized(out_dir.path);
  const std::string named = fmt::format("{} {}", out_dir.flag, out_dir.path.string());
  std::error_code ec;
  const fs::file_status st = fs::status(target, ec);
  if (fs::exists(st) && !fs::is_directory(st)) throw UsageError(fmt::format("{}: exists and is not a directory", named));
  if (fs::is_directory(st) && !fs::is_empty(target, ec)) {
    const std::string found = MarkerKind(target);
    if (!found.empty() && found != kind) {
      throw UsageError(fmt::format("{}: holds the output of 'flexcim {}', not of 'flexcim {}'; choose another "
                                   "directory or remove it",
                                   named, found, kind));
    }
    if (found.empty()) {
      throw UsageError(fmt::format("{}: is not empty and not an earlier output of 'flexcim {}' (no {} marker); "
                                   "choose another directory or remove it",
                                   named, kind, kOutputMarkerFileName));
    }
  }
  fs::create_directories(target, ec);
  if (ec) {
    throw Error(fmt::format("{} {}: cannot create the directory: {}", out_dir.flag, out_dir.path.string(),
                            ec.message()));
  }
  if (MarkerKind(target) != kind) WriteFileAtomically(target / kOutputMarkerFileName, MarkerText(kind));
}

void WriteOutputDirectory(const fs::path& out_dir, std::string_view kind,
                          const std::function<void(const fs::path& staging)>& fill) {
  const fs::path target = Normalized(out_dir);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    throw Error(fmt::format("cannot create output directory '{}': {}", target.string(), ec.message()));
  }
  CleanLeftovers(target);
  RequireReplaceable(target, kind);
  const fs::path staging = FreshSibling(target, "tmp");
  if (!fs::create_directory(staging, ec) || ec) {
    throw Error(fmt::format("cannot write output directory '{}': {}", target.string(),
                            ec ? ec.message() : "staging directory already exists"));
  }
  try {
    fill(staging);
    WriteFileChecked(staging / kOutputMarkerFileName, MarkerText(kind));
    if (fs::exists(fs::symlink_status(target))) {
      if (ExchangeAtomically(staging, target)) {
        fs::remove_all(staging, ec);  // now holds the previous output
        return;
      }
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
