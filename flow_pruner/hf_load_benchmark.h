// The Hugging Face loading benchmark of `flexcim bench --only hf-load`:
// writes a Llama-shaped BF16 checkpoint of about 1 GiB (random weights,
// generated row by row, never held in memory), then loads it in a forked
// child process and measures the load's wall time and the child's peak
// resident memory against the fp32 weights it keeps (target: < 3 s, peak
// RSS <= 1.1 x fp32 bytes; the file is mapped, converted tensor by tensor
// and its pages released as they are consumed).
#pragma once

#include <cstdint>
#include <filesystem>

namespace flexcim::pruner {

struct HfLoadBenchmark {
  int64_t parameters = 0;
  int64_t file_bytes = 0;     // model.safetensors
  int64_t fp32_bytes = 0;     // the loaded model's weights
  double write_seconds = 0;
  double load_seconds = 0;    // LoadHfCheckpoint in the child (page cache warm: just written)
  // The child's CPU time (user, kernel): independent of other load on the
  // machine; the load uses every core, so wall ~ CPU / cores when idle.
  double load_user_seconds = 0;
  double load_system_seconds = 0;
  int64_t rss_before_bytes = 0;  // child's resident memory before loading
  int64_t peak_rss_bytes = 0;    // child's peak resident memory (VmHWM) after loading
  double peak_over_fp32() const {
    return static_cast<double>(peak_rss_bytes) / static_cast<double>(fp32_bytes);
  }
};

// Writes the checkpoint into `work_dir`/hf-load-checkpoint (replaced), loads
// it, and removes it unless `keep`. `layers` sets the size: 9 layers of the
// Llama shape used here (dim 2048, 16 heads, 4 KV heads, hidden 5632,
// vocab 32000, untied) give 1.0007 GiB in BF16.
HfLoadBenchmark RunHfLoadBenchmark(const std::filesystem::path& work_dir, int layers = 9,
                                   bool keep = false);

}  // namespace flexcim::pruner
