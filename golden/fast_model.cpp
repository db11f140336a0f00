#include "golden/fast_model.h"

#include <algorithm>

#include "golden/reference_model.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define FLEXCIM_HAVE_AVX2_KERNEL 1
#include <immintrin.h>
#endif

namespace flexcim::golden {

namespace {

constexpr int kBlock = 8;  // columns per AVX2 block (8 x int32)

bool CpuHasAvx2() {
#ifdef FLEXCIM_HAVE_AVX2_KERNEL
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

}  // namespace

std::string_view FastKernelName(FastKernel kernel) {
  switch (kernel) {
    case FastKernel::kAuto:
      return "auto";
    case FastKernel::kAvx2Int32:
      return "avx2-int32";
    case FastKernel::kScalarInt32:
      return "scalar-int32";
    case FastKernel::kScalarInt64:
      return "scalar-int64";
  }
  return "?";
}

FastModel::FastModel(const MacroStorage& storage, FastKernel preferred)
    : config_(storage.config()), kernel_(FastKernel::kScalarInt64) {
  const MacroConfig& c = config_;
  const int P = c.subs(), R = c.rows(), C = c.cols(), G = c.sel_group();
  const bool fits32 = c.column_sum_width() <= 31;
  const bool avx2 = fits32 && C >= kBlock && CpuHasAvx2();
  if (preferred == FastKernel::kAuto || preferred == FastKernel::kAvx2Int32) {
    kernel_ = avx2 ? FastKernel::kAvx2Int32
                   : (fits32 ? FastKernel::kScalarInt32 : FastKernel::kScalarInt64);
  } else if (preferred == FastKernel::kScalarInt32) {
    kernel_ = fits32 ? FastKernel::kScalarInt32 : FastKernel::kScalarInt64;
  }

  weight_.resize(static_cast<size_t>(c.cells()));
  eff_.resize(static_cast<size_t>(c.cells()));
  for (int k = 0; k < P; ++k) {
    for (int r = 0; r < R; ++r) {
      for (int col = 0; col < C; ++col) {
        const int i = storage.CellIndex(k, r, col);
        weight_[i] = storage.weight(k, r, col);
        eff_[i] = r * c.window() + 2 * storage.select(k, r, col / G) + storage.element(k, r, col);
      }
    }
  }
  if (kernel_ == FastKernel::kAvx2Int32) {
    const int blocks = C / kBlock;
    wpair_.resize(static_cast<size_t>(c.cells()));
    pair_index_.resize(static_cast<size_t>(c.cells()));
    for (int k = 0; k < P; ++k) {
      for (int cb = 0; cb < blocks; ++cb) {
        for (int r = 0; r < R; ++r) {
          for (int lane = 0; lane < kBlock; ++lane) {
            const int col = cb * kBlock + lane;
            const size_t dst = ((static_cast<size_t>(k) * blocks + cb) * R + r) * kBlock + lane;
            const uint32_t w16 = static_cast<uint16_t>(storage.weight(k, r, col));
            wpair_[dst] = static_cast<int32_t>(storage.element(k, r, col) ? (w16 << 16) : w16);
            pair_index_[dst] = r * P + storage.select(k, r, col / G);
          }
        }
      }
    }
  }
}

void FastModel::ColumnSumsScalar32(const int32_t* act, int32_t* col) const {
  const int P = config_.subs(), R = config_.rows(), C = config_.cols();
  for (int k = 0; k < P; ++k) {
    int32_t* sum = col + k * C;
    std::fill(sum, sum + C, 0);
    for (int r = 0; r < R; ++r) {
      const size_t base = (static_cast<size_t>(k) * R + r) * C;
      const int32_t* w = weight_.data() + base;
      const int32_t* eff = eff_.data() + base;
      for (int c = 0; c < C; ++c) sum[c] += w[c] * act[eff[c]];
    }
  }
}

void FastModel::ColumnSumsScalar64(const int32_t* act, int64_t* col) const {
  const int P = config_.subs(), R = config_.rows(), C = config_.cols();
  for (int k = 0; k < P; ++k) {
    int64_t* sum = col + k * C;
    std::fill(sum, sum + C, 0);
    for (int r = 0; r < R; ++r) {
      const size_t base = (static_cast<size_t>(k) * R + r) * C;
      const int32_t* w = weight_.data() + base;
      const int32_t* eff = eff_.data() + base;
      for (int c = 0; c < C; ++c) sum[c] += static_cast<int64_t>(w[c]) * act[eff[c]];
    }
  }
}

#ifdef FLEXCIM_HAVE_AVX2_KERNEL
namespace {

// pairs[r*P + p] = (x[r][2p] low 16 bits) | (x[r][2p+1] << 16).
// col[k*C + c] = sum over r of madd(wpair, pair) for C/8 blocks of 8 columns.
__attribute__((target("avx2"))) void Avx2ColumnSums(const int32_t* wpair, const int32_t* pair_index,
                                                    const int32_t* pairs, int P, int R, int C,
                                                    int G, int32_t* col) {
  const int blocks = C / kBlock;
  for (int k = 0; k < P; ++k) {
    for (int cb = 0; cb < blocks; ++cb) {
      const size_t base = (static_cast<size_t>(k) * blocks + cb) * R * kBlock;
      const int32_t* w = wpair + base;
      const int32_t* idx = pair_index + base;
      __m256i acc0 = _mm256_setzero_si256();
      __m256i acc1 = _mm256_setzero_si256();
      if (G >= kBlock) {
        // The 8 columns share one select group: broadcast the row's pair.
        int r = 0;
        for (; r + 1 < R; r += 2) {
          const __m256i x0 = _mm256_set1_epi32(pairs[idx[r * kBlock]]);
          const __m256i x1 = _mm256_set1_epi32(pairs[idx[(r + 1) * kBlock]]);
          const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + r * kBlock));
          const __m256i w1 =
              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + (r + 1) * kBlock));
          acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(w0, x0));
          acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(w1, x1));
        }
        for (; r < R; ++r) {
          const __m256i x0 = _mm256_set1_epi32(pairs[idx[r * kBlock]]);
          const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + r * kBlock));
          acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(w0, x0));
        }
      } else {
        for (int r = 0; r < R; ++r) {
          const __m256i ix = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(idx + r * kBlock));
          const __m256i x0 = _mm256_i32gather_epi32(pairs, ix, 4);
          const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + r * kBlock));
          acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(w0, x0));
        }
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(col + k * C + cb * kBlock),
                          _mm256_add_epi32(acc0, acc1));
    }
  }
}

}  // namespace
#endif

void FastModel::ColumnSumsAvx2(const int32_t* act, int32_t* col) const {
#ifdef FLEXCIM_HAVE_AVX2_KERNEL
  const int P = config_.subs(), R = config_.rows();
  // Up to 16 x 256 pairs; thread_local keeps ComputeBatch allocation-free.
  thread_local std::vector<int32_t> pairs;
  pairs.resize(static_cast<size_t>(R) * P);
  for (int r = 0; r < R; ++r) {
    const int32_t* x = act + r * config_.window();
    for (int p = 0; p < P; ++p) {
      pairs[r * P + p] = static_cast<int32_t>(static_cast<uint16_t>(x[2 * p]) |
                                              (static_cast<uint32_t>(x[2 * p + 1]) << 16));
    }
  }
  Avx2ColumnSums(wpair_.data(), pair_index_.data(), pairs.data(), P, R, config_.cols(),
                 config_.sel_group(), col);
#else
  ColumnSumsScalar32(act, col);
#endif
}

void FastModel::ComputeBatch(const int32_t* acts, int count, int nlog2, int64_t* out) const {
  RequireValidNlog2(config_, nlog2);
  const int P = config_.subs(), C = config_.cols();
  const int N = 1 << nlog2;
  const size_t lanes_in = static_cast<size_t>(config_.act_lanes());
  const size_t lanes_out = static_cast<size_t>(config_.output_lanes());
  thread_local std::vector<int32_t> col32;
  thread_local std::vector<int64_t> col64;
  col32.resize(lanes_out);
  col64.resize(lanes_out);
  for (int v = 0; v < count; ++v) {
    const int32_t* act = acts + v * lanes_in;
    int64_t* o = out + v * lanes_out;
    RequireValidActivations(config_, act, lanes_in);
    switch (kernel_) {
      case FastKernel::kAvx2Int32:
        ColumnSumsAvx2(act, col32.data());
        break;
      case FastKernel::kScalarInt32:
        ColumnSumsScalar32(act, col32.data());
        break;
      default:
        ColumnSumsScalar64(act, col64.data());
        break;
    }
    if (kernel_ != FastKernel::kScalarInt64) std::copy(col32.begin(), col32.end(), col64.begin());
    // Merge: out[b][c] = sum over j < N of col[b*N + j][c]; b >= P/N is 0.
    for (int b = 0; b < P / N; ++b) {
      for (int c = 0; c < C; ++c) {
        int64_t sum = 0;
        for (int j = 0; j < N; ++j) sum += col64[(b * N + j) * C + c];
        o[b * C + c] = sum;
      }
    }
    std::fill(o + (P / N) * C, o + lanes_out, 0);
  }
}

std::vector<int64_t> FastModel::Compute(const std::vector<int32_t>& act, int nlog2) const {
  RequireValidNlog2(config_, nlog2);
  RequireValidActivations(config_, act.data(), act.size());
  std::vector<int64_t> out(static_cast<size_t>(config_.output_lanes()));
  ComputeBatch(act.data(), 1, nlog2, out.data());
  return out;
}

}  // namespace flexcim::golden
