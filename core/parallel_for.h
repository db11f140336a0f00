// ParallelFor: runs fn(i) for i in [0, n) on a few std::threads (the caller's
// among them), handing out indices one at a time. Callers store per-index
// results and reduce them in index order, so results never depend on the
// thread count. Used by the pruner (calibration, perplexity, checkpoints) and
// for independent tool runs (Yosys, OpenSTA) on a 2-core machine.
#pragma once

#include <functional>

namespace flexcim {

// threads <= 0 means std::thread::hardware_concurrency(). The first exception
// thrown by fn stops handing out indices (those not started are skipped) and
// is rethrown here once every started call has finished.
void ParallelFor(int n, int threads, const std::function<void(int index)>& fn);

// The thread count actually used for `threads` (<= 0: hardware) and n items.
int EffectiveThreads(int threads, int n);

}  // namespace flexcim
