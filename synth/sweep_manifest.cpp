#include "synth/sweep_manifest.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/config_json.h"
#include "core/errors.h"

namespace flexcim::synth {

namespace fs = std::filesystem;

namespace {
constexpr const char* kFormat = "flexcim-sweep-manifest";
constexpr int kVersion = 1;
}  // namespace

int SweepManifest::Tasks() const {
  return static_cast<int>((points.size() + points_per_task - 1) / points_per_task);
}

std::pair<size_t, size_t> SweepManifest::TaskPoints(int task) const {
  const size_t begin = static_cast<size_t>(task) * points_per_task;
  return {std::min(begin, points.size()), std::min(begin + points_per_task, points.size())};
}

SynthFlowOptions SweepManifest::Flow() const {
  SynthFlowOptions f;
  f.data_dir = data_dir;
  f.liberty = liberty;
  f.run_sta = run_sta;
  f.default_input_activity = input_activity;
  return f;
}

void WriteSweepManifest(const SweepManifest& m, const fs::path& run_dir) {
  nlohmann::json j;
  j["format"] = kFormat;
  j["version"] = kVersion;
  j["points_per_task"] = m.points_per_task;
  j["data_dir"] = fs::absolute(m.data_dir).string();
  j["liberty"] = m.liberty.empty() ? "" : fs::absolute(m.liberty).string();
  j["run_sta"] = m.run_sta;
  j["input_activity"] = m.input_activity;
  j["out_dir"] = fs::absolute(m.out_dir).string();
  j["notes"] = m.notes;
  j["points"] = nlohmann::json::array();
  for (const SweepPoint& p : m.points) {
    nlohmann::json point(ConfigToJson(p.config));  // P..W, and "mac"/"storage" when not the default
    point["id"] = p.Id();
    point["arch"] = p.arch;
    j["points"].push_back(point);
  }
  WriteFileAtomically(run_dir / kSweepManifestFile, j.dump(2) + "\n");
}

SweepManifest ReadSweepManifest(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw Error(fmt::format("{}: no sweep manifest (is {} on a filesystem this node shares with the "
                            "submitting host?)",
                            path.string(), path.parent_path().string()));
  }
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("{}: cannot read the sweep manifest", path.string()));
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    if (j.value("format", "") != kFormat || j.value("version", 0) != kVersion) {
      throw Error(fmt::format("{}: not a sweep manifest (format {} version {} expected)", path.string(), kFormat,
                              kVersion));
    }
    SweepManifest m;
    m.points_per_task = j.at("points_per_task");
    if (m.points_per_task < 1) throw Error(fmt::format("{}: points_per_task must be >= 1", path.string()));
    m.data_dir = j.at("data_dir").get<std::string>();
    m.liberty = j.at("liberty").get<std::string>();
    m.run_sta = j.at("run_sta");
    m.input_activity = j.at("input_activity");
    m.out_dir = j.at("out_dir").get<std::string>();
    m.notes = j.at("notes").get<std::vector<std::string>>();
    for (const auto& p : j.at("points")) {
      SweepPoint point{p.at("arch"), ConfigFromJson(p, path.string())};
      if (point.Id() != p.at("id").get<std::string>()) {
        throw Error(fmt::format("{}: point '{}' does not match its parameters ({})", path.string(),
                                p.at("id").get<std::string>(), point.Id()));
      }
      m.points.push_back(std::move(point));
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: bad sweep manifest: {}", path.string(), e.what()));
  } catch (const UsageError& e) {
    throw Error(fmt::format("{}: bad point: {}", path.string(), e.what()));
  }
}

}  // namespace flexcim::synth
