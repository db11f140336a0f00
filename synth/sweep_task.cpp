#include "synth/sweep_task.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "synth/liberty_cells.h"
#include "synth/sweep_manifest.h"

namespace flexcim::synth {

int RunSweepTask(const std::filesystem::path& manifest_path, int task,
                 const std::function<void(const std::string&)>& progress) {
  const SweepManifest m = ReadSweepManifest(manifest_path);
  if (task < 0 || task >= m.Tasks()) {
    throw Error(fmt::format("task {}: {} has {} tasks (0..{})", task, manifest_path.string(), m.Tasks(),
                            m.Tasks() - 1));
  }
  const std::filesystem::path run_dir = manifest_path.parent_path();
  SynthFlowOptions flow = m.Flow();
  const LibertyCells cells = ReadLibertyCells(flow.liberty);
  flow.liberty_cells = &cells;
  const auto [begin, end] = m.TaskPoints(task);
  int failed = 0;
  for (size_t i = begin; i < end; ++i) {
    const SweepPoint& point = m.points[i];
    const std::filesystem::path dir = SweepPointDir(run_dir, point);
    if (const auto kept = ReadPointOutcome(point, dir); kept && kept->result) {
      progress(fmt::format("{}: kept the earlier result", point.Id()));
      continue;
    }
    const SweepRow row = RunSweepPoint(point, flow, dir);
    if (row.result) {
      progress(fmt::format("{}: {:.0f} µm²{}", point.Id(), row.result->area.total_area,
                           row.result->timing ? fmt::format(", {:.1f} MHz", row.result->timing->fmax_mhz) : ""));
    } else {
      ++failed;
      progress(fmt::format("{}: FAILED: {}", point.Id(), row.error));
    }
  }
  return failed;
}

}  // namespace flexcim::synth
