// ParallelFor: runs fn(i) for i in [0, n) on a few std::threads, handing out
// indices one at a time. Callers store per-index results and reduce them in
// index order, so results never depend on the thread count.
#pragma once

#include <functional>

namespace flexcim::pruner {

// threads <= 0 means std::thread::hardware_concurrency(). The first exception
// thrown by fn stops the remaining work and is rethrown here.
void ParallelFor(int n, int threads, const std::function<void(int index)>& fn);

// The thread count actually used for `threads` (<= 0: hardware) and n items.
int EffectiveThreads(int threads, int n);

}  // namespace flexcim::pruner
