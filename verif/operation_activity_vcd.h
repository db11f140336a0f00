// OperationActivityFromVcd: per-bit toggle rates and duty of every traced
// signal of a Verilator VCD (`flexcim verify --stimulus S --trace T.vcd`),
// split by what the macro is doing in each clock cycle, so that the energy
// of one input vector, one row write and one idle cycle can each be taken
// from the activity of its own cycles (docs/PPA.md "Energy from simulated
// activity").
//
// A cycle starts where the clock falls (verif/verilated_clock.h: the pins of
// a cycle are set with clk low, the rising edge follows) and holds both
// half-periods' changes. Its class, from the top-level pins of that cycle:
// - reset: rst_n low (counted in no class);
// - compute: in_valid was high in this cycle or one of the `compute_cycles`
//   before it (a vector is in flight: set it to the pipeline latency);
// - write: else, wr_en was high in this cycle or one of the `write_cycles`
//   before it;
// - idle: otherwise.
// Names are as in verif/toggle_rates_vcd.h ("u_sub0.u_storage.w_q[5]").
#pragma once

#include <array>
#include <cstdint>
#include <istream>
#include <string>
#include <unordered_map>
#include <vector>

namespace flexcim::verif {

enum class CycleClass { kCompute = 0, kWrite = 1, kIdle = 2 };
inline constexpr int kCycleClasses = 3;

struct BitActivity {
  std::array<double, kCycleClasses> rate{};  // toggles per cycle of that class
  std::array<double, kCycleClasses> duty{};  // fraction of those cycles at 1
};

struct OperationActivity {
  std::array<int64_t, kCycleClasses> cycles{};  // cycles of each class
  int64_t vectors = 0;                          // cycles with in_valid high (rst_n high)
  int64_t writes = 0;                           // cycles with wr_en high (rst_n high)
  int64_t reset_cycles = 0;
  std::unordered_map<std::string, uint32_t> index;  // signal bit (every alias) -> bits
  std::vector<BitActivity> bits;
  const BitActivity* Find(const std::string& name) const {
    const auto it = index.find(name);
    return it == index.end() ? nullptr : &bits[it->second];
  }
};

// Throws flexcim::Error for a VCD without a 1-bit clk, rst_n, in_valid and
// wr_en in the top module, without a falling clock edge, or malformed
// (naming the line).
OperationActivity OperationActivityFromVcd(std::istream& vcd, int compute_cycles, int write_cycles);

}  // namespace flexcim::verif
