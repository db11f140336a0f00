#include "verif/stimulus_contract.h"

#include <fmt/format.h>

#include <vector>

namespace flexcim::verif {

namespace {

std::string UnsignedLane(const char* pin, int lane, int64_t v, int bits) {
  const int64_t max = (int64_t{1} << bits) - 1;
  if (v >= 0 && v <= max) return "";
  const std::string where = lane < 0 ? std::string(pin) : fmt::format("{} lane {}", pin, lane);
  return fmt::format("{} = {} does not fit the pin ({} bit{}: 0..{})", where, v, bits, bits == 1 ? "" : "s", max);
}

std::string SignedLane(const char* pin, int lane, int64_t v, int bits) {
  const int64_t lo = -(int64_t{1} << (bits - 1)), hi = (int64_t{1} << (bits - 1)) - 1;
  if (v >= lo && v <= hi) return "";
  return fmt::format("{} lane {} = {} does not fit {} signed bits ({}..{})", pin, lane, v, bits, lo, hi);
}

template <typename T>
std::string Lanes(const char* pin, const std::vector<T>& lanes, int bits, bool is_signed) {
  for (size_t i = 0; i < lanes.size(); ++i) {
    const int lane = static_cast<int>(i);
    std::string why = is_signed ? SignedLane(pin, lane, lanes[i], bits) : UnsignedLane(pin, lane, lanes[i], bits);
    if (!why.empty()) return why;
  }
  return "";
}

}  // namespace

StimulusContract::StimulusContract(const MacroConfig& config) : config_(config) {}

std::string StimulusContract::Check(const golden::CycleInput& in) {
  const MacroConfig& c = config_;
  const int64_t edge = edge_++;
  for (const std::string& why : {
           UnsignedLane("wr_sub", -1, in.wr_sub, c.sel_bits()),
           UnsignedLane("wr_row", -1, in.wr_row, c.row_addr_bits()),
           UnsignedLane("in_nlog2", -1, in.in_nlog2, 4),
           Lanes("wr_w", in.wr_w, c.w_bits(), true),
           Lanes("wr_e", in.wr_e, 1, false),
           Lanes("wr_sel", in.wr_sel, c.sel_bits(), false),
           Lanes("in_act", in.in_act, c.a_bits(), true),
       }) {
    if (!why.empty()) return why;
  }
  if (!in.rst_n) {
    last_vector_edge_ = -1;  // wr_en and in_valid are ignored; vectors in flight are dropped
    return "";
  }
  const int64_t delivered_at = last_vector_edge_ < 0 ? -1 : last_vector_edge_ + c.pipeline_latency();
  if (in.wr_en && edge <= delivered_at) {
    return fmt::format(
        "wr_en while the vector sampled at edge {} is in flight (it is delivered at edge {}): "
        "writing while a vector is in flight is out of contract (FLEXCIM.md 5b)",
        last_vector_edge_, delivered_at);
  }
  if (in.in_valid) {
    if (in.in_nlog2 > c.max_nlog2()) {
      return fmt::format("in_nlog2 = {} on a valid vector: must be in 0..log2 P = {}", in.in_nlog2,
                         c.max_nlog2());
    }
    last_vector_edge_ = edge;
  }
  return "";
}

}  // namespace flexcim::verif
