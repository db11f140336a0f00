// Pin-level stimulus files (verif/stimulus_file) for the configuration the
// seeds were written for, replayed through the golden cycle model as
// `flexcim verify --stimulus` does. The reader takes a path: the input goes
// into an in-memory file (memfd), a regular file as far as it can tell.
#include <sys/mman.h>
#include <unistd.h>

#include <fmt/format.h>

#include "golden/cycle_model.h"
#include "verif/fuzz/fuzz_seed_config.h"
#include "verif/fuzz/fuzz_support.h"
#include "verif/stimulus_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const int fd = memfd_create("fuzz-stimulus", 0);
  if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) return 0;
  const std::string path = fmt::format("/proc/self/fd/{}", fd);
  return flexcim::fuzz::ExpectOnlyFlexcimErrors([&] {
    const flexcim::ArchConfig config(flexcim::Arch::kFlexcim, flexcim::fuzz::SeedConfig());
    const auto cycles = flexcim::verif::ReadStimulusFile(config, path);
    flexcim::golden::CycleModel model(config.macro());
    for (const auto& c : cycles) model.Step(c);
  });
}
