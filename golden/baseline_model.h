// BaselineModel: the edge-by-edge behaviour shared by the section 6
// baselines (dense and fixed 1:2 sparse), same conventions as CycleModel:
// feed it what the pins carry before a rising edge, it returns what
// out_valid / out_data hold right after the edge.
//
// - rst_n low: every valid bit clears (vectors in flight are dropped),
//   wr_en and in_valid are ignored, out_valid is 0. Storage is kept.
// - otherwise a vector sampled at edge t is computed from the storage as
//   it was before edge t (products come from the pins), then the write (if
//   any) is applied, and the output register loads the vector at edge
//   t + L - 1: presented in cycle t, it is on out_data during cycle t + L,
//   L = BaselineConfig::pipeline_latency() = 1 + log2(P*R).
// A Step that throws (bad activation or write data on an enabled input)
// changes nothing, not even the cycle count.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "core/baseline_config.h"
#include "golden/baseline_cycle_input.h"
#include "golden/cycle_model.h"
#include "golden/vector_pipeline.h"

namespace flexcim::golden {

class BaselineModel {
 public:
  explicit BaselineModel(const BaselineConfig& config)
      : config_(config), pipeline_(config.pipeline_latency(), config.initiation_interval()) {}
  virtual ~BaselineModel() = default;

  const BaselineConfig& config() const { return config_; }
  int latency() const { return pipeline_.latency(); }
  int64_t cycle() const { return pipeline_.cycle(); }  // edges taken so far

  // One rising edge; CycleOutput::data has C lanes when valid.
  CycleOutput Step(const BaselineCycleInput& in);

  // The column sums of one input vector (C lanes), from the current storage.
  // Throws flexcim::Error for a wrong lane count or an out-of-range
  // activation; asserts every product and sum fits its width.
  virtual std::vector<int64_t> Compute(const std::vector<int32_t>& act) const = 0;
  // One array row as the wr_* pins carry it; validates everything first
  // (a rejected write changes nothing). Dense ignores `e`.
  virtual void WriteRow(int row, const std::vector<int32_t>& w, const std::vector<uint8_t>& e) = 0;

 protected:
  // Shared checks, messages in the golden model's style.
  void CheckRow(int row) const;
  void CheckWeights(const std::vector<int32_t>& w) const;
  void CheckActivations(const std::vector<int32_t>& act) const;
  // Throws when a product / column sum does not fit A+W / O bits.
  void CheckProduct(int r, int c, int64_t product) const;
  void CheckColumnSum(int c, int64_t sum) const;

 private:
  BaselineConfig config_;
  VectorPipeline pipeline_;
};

// DenseMacroModel or Sparse12MacroModel for config.arch().
std::unique_ptr<BaselineModel> MakeBaselineModel(const BaselineConfig& config);

}  // namespace flexcim::golden
