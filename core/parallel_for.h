// ParallelFor: run fn(0) .. fn(count-1) on up to `jobs` threads, each index
// exactly once, and return when all are done. The first exception thrown by
// any call is rethrown (after every started call has finished); indices not
// started by then are skipped. Used where independent tool runs (Yosys,
// OpenSTA) share a 2-core machine.
#pragma once

#include <cstddef>
#include <functional>

namespace flexcim {

void ParallelFor(std::size_t count, int jobs, const std::function<void(std::size_t)>& fn);

}  // namespace flexcim
