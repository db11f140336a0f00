#include "verif/baseline_stimulus.h"

#include <algorithm>
#include <deque>
#include <random>

#include "verif/random_pins.h"

namespace flexcim::verif {

namespace {

class BaselineStimulusBuilder : public RandomPins {
 public:
  BaselineStimulusBuilder(const BaselineConfig& config, uint64_t seed) : RandomPins(seed), c_(config) {}

  // Every pin random (junk); callers then set what is enabled.
  golden::BaselineCycleInput Junk() {
    golden::BaselineCycleInput in;
    in.rst_n = true;
    in.wr_row = static_cast<int>(Uniform(0, c_.rows() - 1));
    in.wr_w.resize(c_.cols());
    for (auto& w : in.wr_w) w = Value(c_.w_bits());
    if (c_.has_elements()) {
      in.wr_e.resize(c_.cols());
      for (auto& e : in.wr_e) e = static_cast<uint8_t>(Uniform(0, 1));
    }
    in.in_act.resize(c_.act_lanes());
    for (auto& a : in.in_act) a = Value(c_.a_bits());
    return in;
  }

  void Idle() { Push(Junk()); }
  void Write(int row) {
    golden::BaselineCycleInput in = Junk();
    in.wr_en = true;
    in.wr_row = row;
    Push(in);
  }
  // A vector, after idling until the initiation interval has passed.
  void Vector() {
    while (!in_flight_.empty() && edge() < in_flight_.back() + c_.initiation_interval()) Idle();
    golden::BaselineCycleInput in = Junk();
    in.in_valid = true;
    Push(in);
  }
  void Reset(int length) {
    for (int i = 0; i < length; ++i) {
      golden::BaselineCycleInput in = Junk();
      in.rst_n = false;
      in.wr_en = Chance(50);
      in.in_valid = Chance(50);
      Push(in);
    }
  }
  // Idles until no vector is in flight, so a write is within the contract.
  void Drain() {
    while (!in_flight_.empty() && in_flight_.back() + c_.output_edge_offset() >= edge()) Idle();
  }

  BaselineStimulus Take() { return std::move(out_); }
  int delivered() const { return out_.stats.vectors - out_.stats.dropped; }

 private:
  int64_t edge() const { return static_cast<int64_t>(out_.cycles.size()); }

  void Push(const golden::BaselineCycleInput& in) {
    while (!in_flight_.empty() && in_flight_.front() + c_.output_edge_offset() < edge()) {
      in_flight_.pop_front();
    }
    if (!in.rst_n) {
      out_.stats.dropped += static_cast<int>(in_flight_.size());
      in_flight_.clear();
    } else {
      if (in.in_valid) {
        ++out_.stats.vectors;
        in_flight_.push_back(edge());
      }
      if (in.wr_en) ++out_.stats.writes;
    }
    out_.cycles.push_back(in);
  }

  const BaselineConfig& c_;
  BaselineStimulus out_;
  std::deque<int64_t> in_flight_;  // input edges of vectors in flight
};

}  // namespace

BaselineStimulus RandomBaselineStimulus(const BaselineConfig& config,
                                        const StimulusOptions& options) {
  BaselineStimulusBuilder b(config, options.seed);
  b.Reset(2);
  std::vector<int> rows(config.rows());
  for (int r = 0; r < config.rows(); ++r) rows[r] = r;
  std::mt19937_64 shuffle_rng(options.seed ^ 0x9e3779b97f4a7c15ull);
  std::shuffle(rows.begin(), rows.end(), shuffle_rng);
  for (const int r : rows) b.Write(r);

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
      const int64_t gap = b.Uniform(1, 2 * depth + 1);
      for (int64_t g = 0; g < gap; ++g) b.Idle();
    } else if (kind < 96 && options.mid_run_rewrites) {
      // Rewrite a few rows, then a vector on the very next edge sees them.
      b.Drain();
      const int64_t n = b.Uniform(1, 4);
      for (int64_t i = 0; i < n; ++i) b.Write(static_cast<int>(b.Uniform(0, config.rows() - 1)));
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
  BaselineStimulus s = b.Take();
  s.stats.resets = resets;
  return s;
}

}  // namespace flexcim::verif
