#include "core/parallel_for.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace flexcim {
namespace {

TEST(ParallelFor, EveryIndexRunsExactlyOnce) {
  for (int jobs : {1, 2, 3, 8}) {
    std::vector<std::atomic<int>> seen(37);
    ParallelFor(static_cast<int>(seen.size()), jobs, [&](int i) { ++seen[i]; });
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].load(), 1) << "jobs " << jobs << " index " << i;
  }
}

TEST(ParallelFor, UsesAtMostJobsThreads) {
  std::mutex mu;
  std::set<std::thread::id> ids;
  std::atomic<int> running{0}, peak{0};
  ParallelFor(12, 2, [&](int) {
    const int now = ++running;
    int p = peak.load();
    while (now > p && !peak.compare_exchange_weak(p, now)) {
    }
    {
      std::lock_guard lock(mu);
      ids.insert(std::this_thread::get_id());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    --running;
  });
  EXPECT_LE(peak.load(), 2);
  EXPECT_LE(ids.size(), 2u);
}

TEST(ParallelFor, RethrowsTheFirstErrorAndSkipsTheRest) {
  std::atomic<int> calls{0};
  try {
    ParallelFor(100, 1, [&](int i) {
      ++calls;
      if (i == 3) throw std::runtime_error("index 3 failed");
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "index 3 failed");
  }
  EXPECT_EQ(calls.load(), 4);  // 0..3 with one thread; nothing after the failure
}

TEST(ParallelFor, ZeroCountCallsNothing) {
  int calls = 0;
  ParallelFor(0, 4, [&](int) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace flexcim
