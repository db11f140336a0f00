// RunSweepTask: what one cluster array task does (the hidden command
// `flexcim sweep-point`): read the sweep's manifest, run the points of its
// task with RunSweepPoint into their directories under the run directory,
// skipping points that already have a result (a resubmitted task redoes only
// what is missing).
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace flexcim::synth {

// Returns the number of points that failed. Throws flexcim::Error for a
// missing or bad manifest (ReadSweepManifest) or a task index outside it.
int RunSweepTask(const std::filesystem::path& manifest_path, int task,
                 const std::function<void(const std::string&)>& progress);

}  // namespace flexcim::synth
