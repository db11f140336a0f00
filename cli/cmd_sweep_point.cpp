// flexcim sweep-point (hidden): one array task of a cluster sweep
// (`flexcim sweep --executor slurm` writes the manifest and submits the
// array whose tasks run this). Runs the task's points into their
// directories under the manifest's run directory.
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "cli/command_registry.h"
#include "cli/flag_parsing.h"
#include "core/errors.h"
#include "synth/sweep_task.h"

namespace flexcim::cli {
namespace {

int RunSweepPointCmd(const std::vector<std::string>& args) {
  std::string manifest;
  int task = -1;
  po::options_description flags("Array task");
  flags.add_options()
      ("manifest", po::value(&manifest)->required(), "the sweep's sweep_manifest.json (in its run directory)")
      ("task", po::value(&task), "task index (default: $SLURM_ARRAY_TASK_ID)");
  const auto vm = ParseFlags(args, flags, "sweep-point", "--manifest RUN_DIR/sweep_manifest.json [--task N]");
  if (!vm) return 0;
  if (!vm->count("task")) {
    const char* env = std::getenv("SLURM_ARRAY_TASK_ID");
    if (env == nullptr || *env == '\0') {
      throw UsageError("--task: give it, or run inside a Slurm array task (SLURM_ARRAY_TASK_ID)");
    }
    try {
      size_t used = 0;
      task = std::stoi(env, &used);
      if (env[used] != '\0') throw std::invalid_argument(env);
    } catch (const std::exception&) {
      throw UsageError(fmt::format("SLURM_ARRAY_TASK_ID '{}' is not an integer", env));
    }
  }
  const int failed = synth::RunSweepTask(manifest, task, [task](const std::string& line) {
    std::cout << fmt::format("sweep-point: task {}: {}", task, line) << std::endl;
  });
  return failed == 0 ? 0 : 1;
}

const CommandRegistrar kRegistrar(Command{
    .name = "sweep-point",
    .summary = "run one array task of a cluster sweep (started by flexcim sweep --executor slurm)",
    .run = RunSweepPointCmd,
    .hidden = true,
});

}  // namespace
}  // namespace flexcim::cli
