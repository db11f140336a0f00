// FastModel: the compute step of FLEXCIM.md section 3 for throughput (the
// `flexcim bench` path). It snapshots a MacroStorage and precomputes, per cell
// (k, r, c), the effective window index 2*s[k][r][c/G] + e[k][r][c]; a
// randomized test holds it equal to ReferenceCompute over many configurations.
//
// Kernels (picked by the constructor, see kernel()):
// - kAvx2Int32: x86-64 with AVX2 at run time, A+W+log2R <= 31 and C >= 8.
//   Each cell stores the 16-bit pair (e ? 0 : w, e ? w : 0); one vpmaddwd
//   with the row's selected activation pair (x[2s], x[2s+1]) forms
//   w * x[2s+e] for 8 columns at once; column sums accumulate in int32.
// - kScalarInt32: column sums in int32 (A+W+log2R <= 31).
// - kScalarInt64: column sums in int64 (any configuration).
// The merge always adds in int64. Outputs are exact: the widths of section 1
// mean nothing overflows.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "golden/macro_storage.h"

namespace flexcim::golden {

enum class FastKernel { kAuto, kAvx2Int32, kScalarInt32, kScalarInt64 };

std::string_view FastKernelName(FastKernel kernel);

class FastModel {
 public:
  // Snapshot of `storage`. `preferred` = kAuto picks the fastest kernel that
  // applies; a kernel that does not apply (no AVX2, too-wide sums, C < 8)
  // falls back to the next one in the order above.
  explicit FastModel(const MacroStorage& storage, FastKernel preferred = FastKernel::kAuto);

  const MacroConfig& config() const { return config_; }
  FastKernel kernel() const { return kernel_; }

  // `count` vectors: acts[v * R*2P + r*2P + i] = x[r][i] of vector v, each in
  // the signed A-bit range; out[v * P*C + b*C + c] = out[b][c]. All vectors
  // share `nlog2` (0..log2 P). Throws flexcim::Error with ReferenceCompute's
  // messages for a bad nlog2 or activation (then `out` is unspecified).
  void ComputeBatch(const int32_t* acts, int count, int nlog2, int64_t* out) const;

  // One vector; same contract as ReferenceCompute.
  std::vector<int64_t> Compute(const std::vector<int32_t>& act, int nlog2) const;

  // Multiply-accumulates per vector: P*R*C.
  int64_t macs_per_vector() const { return config_.cells(); }

 private:
  void ColumnSumsScalar32(const int32_t* act, int32_t* col) const;
  void ColumnSumsScalar64(const int32_t* act, int64_t* col) const;
  void ColumnSumsAvx2(const int32_t* act, int32_t* col) const;

  MacroConfig config_;
  FastKernel kernel_;
  std::vector<int32_t> weight_;  // [k][r][c]
  std::vector<int32_t> eff_;     // [k][r][c]: r*2P + 2*s + e
  // AVX2 kernel: packed (e ? 0 : w, e ? w : 0) int16 pairs, [k][cb][r][8]
  // for column block cb of 8 columns, and per lane the pair index r*P + s.
  std::vector<int32_t> wpair_;
  std::vector<int32_t> pair_index_;  // [k][cb][r][8]
};

}  // namespace flexcim::golden
