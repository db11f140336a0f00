// CycleOutput: what out_valid / out_data hold in one cycle, for every
// architecture's golden model and DUT wrapper.
#pragma once

#include <cstdint>
#include <vector>

namespace flexcim::golden {

struct CycleOutput {
  bool valid = false;
  std::vector<int64_t> data;  // output lanes when valid, empty otherwise
  // Index (0-based, counting accepted vectors) of the vector on the output.
  int64_t vector_index = -1;
};

}  // namespace flexcim::golden
