#include "synth/liberty_setup.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "core/atomic_file.h"
#include "core/subprocess.h"

namespace flexcim::synth {

namespace fs = std::filesystem;

namespace {

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("cannot read {}", path.string()));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The unpacked, unmodified liberty: the build tree's copy if present, else
// unpacked from the data directory into cache_dir.
fs::path PlainLiberty(const fs::path& data_dir, const fs::path& cache_dir) {
#ifdef FLEXCIM_LIBERTY_BUILD_PATH
  if (const fs::path built = FLEXCIM_LIBERTY_BUILD_PATH; fs::exists(built)) return built;
#endif
  const fs::path unpacked = cache_dir / (std::string(kLibertyBaseName) + ".lib");
  if (fs::exists(unpacked)) return unpacked;
  const fs::path gz = data_dir / "liberty" / (std::string(kLibertyBaseName) + ".lib.gz");
  if (!fs::exists(gz)) {
    throw Error(fmt::format("liberty file missing: {} (set --data-dir or FLEXCIM_DATA to the shared "
                            "data directory; run `make deps` for gzip, yosys and opensta)",
                            gz.string()));
  }
  fs::create_directories(cache_dir);
  const fs::path tmp = unpacked.string() + ".part";
  const ProcessResult unpacked_by_gzip = RunProcess(
      {.argv = {"gzip", "-dc", gz.string()}, .cwd = {}, .log = cache_dir / "unpack_liberty.log", .stdout_file = tmp});
  if (!unpacked_by_gzip.status.ok()) {
    throw Error(fmt::format("unpacking {} failed ({}); last lines of {}:{}", gz.string(),
                            unpacked_by_gzip.status.Describe(), (cache_dir / "unpack_liberty.log").string(),
                            LastLines(cache_dir / "unpack_liberty.log", 15)));
  }
  if (fs::file_size(tmp) == 0) throw Error(fmt::format("unpacking {} gave an empty file", gz.string()));
  fs::rename(tmp, unpacked);
  return unpacked;
}

}  // namespace

const std::vector<std::string>& DontUseCellPrefixes() {
  static const std::vector<std::string> kPrefixes = {
      "lpflow_", "probe", "clkdly", "dlygate", "dlymetal", "macro_", "conb", "decap", "diode",
  };
  return kPrefixes;
}

std::string MarkDontUse(const std::string& text, const std::vector<std::string>& prefixes) {
  std::string out;
  out.reserve(text.size() + 4096);
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    out += line;
    out += '\n';
    // Matches: cell ("sky130_fd_sc_hd__lpflow_bleeder_1") {
    const auto cell = line.find("cell (");
    if (cell == std::string::npos || line.find('{') == std::string::npos) continue;
    const auto sep = line.find("__", cell);
    if (sep == std::string::npos) continue;
    const std::string rest = line.substr(sep + 2);
    for (const auto& prefix : prefixes) {
      if (rest.rfind(prefix, 0) == 0) {
        out += "        dont_use : true;\n";
        break;
      }
    }
  }
  return out;
}

fs::path PrepareLiberty(const fs::path& data_dir, const fs::path& cache_dir) {
  const fs::path plain = PlainLiberty(data_dir, cache_dir);
  const fs::path marked = cache_dir / (std::string(kLibertyBaseName) + ".dont_use.lib");
  if (fs::exists(marked) && fs::last_write_time(marked) >= fs::last_write_time(plain)) return marked;
  WriteFileAtomically(marked, MarkDontUse(ReadAll(plain), DontUseCellPrefixes()));
  return marked;
}

}  // namespace flexcim::synth
