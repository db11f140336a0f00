#include "synth/sweep_manifest.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/config_json.h"
#include "core/errors.h"
#include "core/json_input.h"

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
  const nlohmann::json j = ReadJsonFile(path);
  const std::string where = path.string();
  try {
    if (!j.is_object() || j.value("format", "") != kFormat || j.value("version", 0) != kVersion) {
      throw Error(fmt::format("{}: not a sweep manifest (format {} version {} expected)", path.string(), kFormat,
                              kVersion));
    }
    SweepManifest m;
    m.points_per_task = static_cast<int>(JsonInteger(j, "points_per_task", 1, 1 << 20, where));
    m.data_dir = JsonString(j, "data_dir", where);
    m.liberty = JsonString(j, "liberty", where);
    m.run_sta = JsonBool(j, "run_sta", where);
    m.input_activity = JsonNumber(j, "input_activity", 0, 1, where);
    m.out_dir = JsonString(j, "out_dir", where);
    const nlohmann::json& notes = JsonArray(j, "notes", where);
    for (size_t i = 0; i < notes.size(); ++i) {
      if (!notes[i].is_string()) throw Error(fmt::format("{}: notes[{}] must be a string", where, i));
      m.notes.push_back(notes[i].get<std::string>());
    }
    const nlohmann::json& points = JsonArray(j, "points", where);
    if (points.size() > (size_t{1} << 20)) throw Error(fmt::format("{}: more than {} points", where, 1 << 20));
    for (size_t i = 0; i < points.size(); ++i) {
      const nlohmann::json& p = points[i];
      const std::string at = fmt::format("{}: points[{}]", where, i);
      SweepPoint point{JsonString(p, "arch", at), ConfigFromJson(p, path.string())};
      const std::string id = JsonString(p, "id", at);
      if (point.Id() != id) {
        throw Error(fmt::format("{}: point '{}' does not match its parameters ({})", path.string(), id, point.Id()));
      }
      m.points.push_back(std::move(point));
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    if (const size_t close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
    throw Error(fmt::format("{}: bad sweep manifest: {}", path.string(), what));
  } catch (const UsageError& e) {
    throw Error(fmt::format("{}: bad point: {}", path.string(), e.what()));
  }
}

}  // namespace flexcim::synth
