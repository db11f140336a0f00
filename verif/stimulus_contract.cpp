#include "verif/stimulus_contract.h"

#include <fmt/format.h>

#include <type_traits>
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

bool IsLaneVector(PinField f) {
  return f == PinField::kWrW || f == PinField::kWrE || f == PinField::kWrSel || f == PinField::kInAct;
}

// A pin the architecture lacks must carry nothing (0 / no lanes).
template <typename T>
std::string Absent(const ArchConfig& d, const char* pin, const T& value, bool present) {
  bool zero = true;
  if constexpr (std::is_integral_v<T>) {
    zero = value == 0;
  } else {
    for (const auto v : value) zero = zero && v == 0;
  }
  if (present || zero) return "";
  return fmt::format("{} carries a value: {} has no {} pin", pin, d.traits().top, pin);
}

}  // namespace

StimulusContract::StimulusContract(const ArchConfig& design) : design_(design), pins_(InputPins(design)) {}

std::string StimulusContract::Check(const golden::CycleInput& in) {
  const ArchConfig& c = design_;
  const int64_t edge = edge_++;
  for (const InputPin& pin : pins_) {
    const std::vector<int64_t> values = pin.Values(in);
    for (int i = 0; i < pin.lanes; ++i) {
      const int lane = IsLaneVector(pin.field) ? i : -1;
      const char* name = pin.name.c_str();
      std::string why = pin.is_signed ? SignedLane(name, lane, values[i], pin.lane_width)
                                      : UnsignedLane(name, lane, values[i], pin.lane_width);
      if (!why.empty()) return why;
    }
  }
  const bool selects = c.traits().has_pair_select;
  for (const std::string& why : {Absent(c, "wr_sub", in.wr_sub, selects), Absent(c, "wr_sel", in.wr_sel, selects),
                                 Absent(c, "in_nlog2", in.in_nlog2, selects),
                                 Absent(c, "wr_e", in.wr_e, c.traits().has_elements)}) {
    if (!why.empty()) return why;
  }
  if (!in.rst_n) {
    last_vector_edge_ = -1;  // wr_en and in_valid are ignored; vectors in flight are dropped
    return "";
  }
  const int64_t delivered_at = last_vector_edge_ < 0 ? -1 : last_vector_edge_ + c.output_edge_offset();
  if (in.wr_en && edge <= delivered_at) {
    return fmt::format(
        "wr_en while the vector sampled at edge {} is in flight (it is delivered at edge {}): "
        "writing while a vector is in flight is out of contract (FLEXCIM.md 5b)",
        last_vector_edge_, delivered_at);
  }
  if (in.in_valid && last_write_edge_ >= 0 && edge < last_write_edge_ + c.write_latency()) {
    return fmt::format(
        "in_valid while the write sampled at edge {} is in flight (write latency {}: vectors from "
        "edge {} on see it): out of contract (FLEXCIM.md 5b)",
        last_write_edge_, c.write_latency(), last_write_edge_ + c.write_latency());
  }
  if (in.wr_en) last_write_edge_ = edge;
  if (in.in_valid) {
    if (in.in_nlog2 > c.max_nlog2()) {
      return fmt::format("in_nlog2 = {} on a valid vector: must be in 0..log2 P = {}", in.in_nlog2,
                         c.max_nlog2());
    }
    if (last_vector_edge_ >= 0 && edge < last_vector_edge_ + c.initiation_interval()) {
      return fmt::format(
          "in_valid {} edge(s) after the vector sampled at edge {}: the initiation interval is {} "
          "(FLEXCIM.md 5c)",
          edge - last_vector_edge_, last_vector_edge_, c.initiation_interval());
    }
    last_vector_edge_ = edge;
  }
  return "";
}

}  // namespace flexcim::verif
