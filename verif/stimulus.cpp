#include "verif/stimulus.h"

#include <algorithm>
#include <deque>
#include <random>

#include "verif/random_pins.h"

namespace flexcim::verif {

namespace {

class StimulusBuilder : public RandomPins {
 public:
  StimulusBuilder(const ArchConfig& design, uint64_t seed) : RandomPins(seed), c_(design) {}

  // Every pin random (junk); callers then set what is enabled.
  golden::CycleInput Junk() {
    golden::CycleInput in;
    in.rst_n = true;
    const bool selects = c_.traits().has_pair_select;
    if (selects) in.wr_sub = static_cast<int>(Uniform(0, (1 << c_.sel_bits()) - 1));
    in.wr_row = static_cast<int>(Uniform(0, c_.write_rows() - 1));
    in.wr_w.resize(c_.cols());
    in.wr_e.resize(c_.element_lanes());
    in.wr_sel.resize(c_.select_groups());
    for (auto& w : in.wr_w) w = Value(c_.w_bits());
    for (auto& e : in.wr_e) e = static_cast<uint8_t>(Uniform(0, 1));
    for (auto& s : in.wr_sel) s = static_cast<int>(Uniform(0, (1 << c_.sel_bits()) - 1));
    if (selects) in.in_nlog2 = static_cast<int>(Uniform(0, (1 << kNlog2Bits) - 1));
    in.in_act.resize(c_.act_lanes());
    for (auto& a : in.in_act) a = Value(c_.a_bits());
    return in;
  }

  void Idle() { Push(Junk()); }

  void Write(int sub, int row) {
    golden::CycleInput in = Junk();
    in.wr_en = true;
    in.wr_sub = sub;
    in.wr_row = row;
    Push(in);
  }

  // A vector, after idling until the initiation interval has passed and no
  // write is in flight (FLEXCIM.md 5b: the write latency Lw).
  void Vector() {
    while ((last_vector_edge_ >= 0 && edge() < last_vector_edge_ + c_.initiation_interval()) ||
           (last_write_edge_ >= 0 && edge() < last_write_edge_ + c_.write_latency())) {
      Idle();
    }
    golden::CycleInput in = Junk();
    in.in_valid = true;
    if (c_.traits().has_pair_select) in.in_nlog2 = static_cast<int>(Uniform(0, c_.max_nlog2()));
    Push(in);
  }

  void Reset(int length) {
    for (int i = 0; i < length; ++i) {
      golden::CycleInput in = Junk();
      in.rst_n = false;
      in.wr_en = Chance(50);
      in.in_valid = Chance(50);
      Push(in);
    }
  }

  // Idles until no vector is in flight, so a write is within the contract.
  void Drain() {
    while (InFlight()) Idle();
  }
  bool InFlight() const {
    return last_vector_edge_ >= 0 && edge() <= last_vector_edge_ + c_.output_edge_offset();
  }

  Stimulus Take() { return std::move(out_); }
  // Vectors that will reach the output (accepted and not dropped so far).
  int delivered() const { return out_.stats.vectors - out_.stats.dropped; }

 private:
  int64_t edge() const { return static_cast<int64_t>(out_.cycles.size()); }

  void Push(const golden::CycleInput& in) {
    // Vectors whose output edge has passed are no longer in flight.
    while (!in_flight_.empty() && in_flight_.front() + c_.output_edge_offset() < edge()) {
      in_flight_.pop_front();
    }
    if (!in.rst_n) {
      out_.stats.dropped += static_cast<int>(in_flight_.size());
      in_flight_.clear();
      last_vector_edge_ = -1;
    } else {
      if (in.in_valid) {
        ++out_.stats.vectors;
        last_vector_edge_ = edge();
        in_flight_.push_back(edge());
      }
      if (in.wr_en) {
        ++out_.stats.writes;
        last_write_edge_ = edge();
      }
    }
    out_.cycles.push_back(in);
  }

  const ArchConfig& c_;
  Stimulus out_;
  int64_t last_vector_edge_ = -1;
  int64_t last_write_edge_ = -1;  // a write is in flight before edge last_write_edge_ + Lw
  std::deque<int64_t> in_flight_;  // input edges of vectors in flight
};

}  // namespace

Stimulus RandomStimulus(const ArchConfig& config, const StimulusOptions& options) {
  StimulusBuilder b(config, options.seed);
  b.Reset(2);
  // Load every storage row (of every sub-macro), in a shuffled order.
  std::vector<std::pair<int, int>> rows;
  for (int k = 0; k < config.write_subs(); ++k) {
    for (int r = 0; r < config.write_rows(); ++r) rows.emplace_back(k, r);
  }
  std::mt19937_64 shuffle_rng(options.seed ^ 0x9e3779b97f4a7c15ull);
  std::shuffle(rows.begin(), rows.end(), shuffle_rng);
  for (const auto& [k, r] : rows) b.Write(k, r);

  const int depth = config.output_edge_offset();  // edges a vector is in flight
  int resets = 0;
  while (b.delivered() < options.vectors) {
    const int64_t kind = b.Uniform(0, 99);
    if (kind < 55) {  // a back-to-back burst
      const int64_t n = b.Uniform(1, 48);
      for (int64_t i = 0; i < n; ++i) b.Vector();
    } else if (kind < 80) {  // sparse traffic: vectors with short gaps
      const int64_t n = b.Uniform(1, 16);
      for (int64_t i = 0; i < n; ++i) {
        b.Vector();
        const int64_t gap = b.Uniform(0, 2);
        for (int64_t g = 0; g < gap; ++g) b.Idle();
      }
    } else if (kind < 88) {  // a long gap
      const int64_t gap = b.Uniform(1, 2 * depth);
      for (int64_t g = 0; g < gap; ++g) b.Idle();
    } else if (kind < 96 && options.mid_run_rewrites) {
      // Rewrite a few rows, then a vector on the first edge that sees them
      // (Lw after the last write).
      b.Drain();
      const int64_t n = b.Uniform(1, 4);
      for (int64_t i = 0; i < n; ++i) {
        b.Write(static_cast<int>(b.Uniform(0, config.write_subs() - 1)),
                static_cast<int>(b.Uniform(0, config.write_rows() - 1)));
      }
      b.Vector();
    } else if (options.mid_run_resets) {
      // Reset with vectors in flight: they must never appear.
      b.Vector();
      b.Vector();
      b.Reset(static_cast<int>(b.Uniform(1, 3)));
      ++resets;
    }
  }
  for (int i = 0; i < depth + 2; ++i) b.Idle();
  Stimulus s = b.Take();
  s.stats.resets = resets;
  return s;
}

}  // namespace flexcim::verif
