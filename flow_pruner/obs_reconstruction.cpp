#include "flow_pruner/obs_reconstruction.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/errors.h"

namespace flexcim::pruner {

namespace {

constexpr int kDampingRetries = 6;

void RequireHessian(const Matrix& w, const std::vector<double>& h, std::string_view what) {
  if (w.rows < 0 || w.cols < 0 || w.data.size() != static_cast<size_t>(w.rows) * w.cols) {
    throw UsageError(fmt::format("{}: {} values for a {}x{} weight", what, w.data.size(), w.rows,
                                 w.cols));
  }
  if (h.size() != static_cast<size_t>(w.cols) * w.cols) {
    throw UsageError(fmt::format("{}: Hessian of {} values for {} inputs (needs {})", what,
                                 h.size(), w.cols, static_cast<size_t>(w.cols) * w.cols));
  }
  for (size_t i = 0; i < h.size(); ++i) {
    if (!std::isfinite(h[i])) {
      throw Error(fmt::format("{}: H[{}][{}] = {} is not finite", what, i / w.cols, i % w.cols, h[i]));
    }
  }
}

// In place lower Cholesky factor of the n x n row-major a (upper part left
// as is). False when a pivot is not positive and finite.
bool CholeskyLower(std::vector<double>& a, int n) {
  for (int j = 0; j < n; ++j) {
    double* aj = a.data() + static_cast<size_t>(j) * n;
    double d = aj[j];
    for (int k = 0; k < j; ++k) d -= aj[k] * aj[k];
    if (!(d > 0.0) || !std::isfinite(d)) return false;
    const double l = std::sqrt(d);
    aj[j] = l;
    for (int i = j + 1; i < n; ++i) {
      double* ai = a.data() + static_cast<size_t>(i) * n;
      double s = ai[j];
      for (int k = 0; k < j; ++k) s -= ai[k] * aj[k];
      ai[j] = s / l;
    }
  }
  return true;
}

// The upper Cholesky factor U (H^-1 = U^T U) of the inverse of the damped
// H, or nullopt when a factorisation fails.
std::optional<std::vector<double>> UpperCholeskyOfInverse(const std::vector<double>& h, int n) {
  std::vector<double> l = h;
  if (!CholeskyLower(l, n)) return std::nullopt;
  // Linv = L^-1 (lower triangular), row by row: row i of L Linv = e_i.
  std::vector<double> linv(static_cast<size_t>(n) * n, 0.0);
  for (int i = 0; i < n; ++i) {
    const double* li = l.data() + static_cast<size_t>(i) * n;
    double* out = linv.data() + static_cast<size_t>(i) * n;
    out[i] = 1.0;
    for (int k = 0; k < i; ++k) {
      const double a = li[k];
      const double* lk = linv.data() + static_cast<size_t>(k) * n;
      for (int c = 0; c <= k; ++c) out[c] -= a * lk[c];
    }
    for (int c = 0; c <= i; ++c) out[c] /= li[i];
  }
  // H^-1 = Linv^T Linv: (i, j) = sum over k >= max(i, j) of Linv[k][i] Linv[k][j].
  std::vector<double> inv(static_cast<size_t>(n) * n, 0.0);
  for (int k = 0; k < n; ++k) {
    const double* lk = linv.data() + static_cast<size_t>(k) * n;
    for (int i = 0; i <= k; ++i) {
      const double a = lk[i];
      if (a == 0.0) continue;
      double* row = inv.data() + static_cast<size_t>(i) * n;
      for (int j = 0; j <= i; ++j) row[j] += a * lk[j];
    }
  }
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < i; ++j) inv[static_cast<size_t>(j) * n + i] = inv[static_cast<size_t>(i) * n + j];
  }
  if (!CholeskyLower(inv, n)) return std::nullopt;
  std::vector<double> u(static_cast<size_t>(n) * n, 0.0);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j <= i; ++j) u[static_cast<size_t>(j) * n + i] = inv[static_cast<size_t>(i) * n + j];
  }
  return u;
}

double MeanDiagonal(const std::vector<double>& h, int n) {
  double s = 0.0;
  for (int j = 0; j < n; ++j) s += h[static_cast<size_t>(j) * n + j];
  return n > 0 ? s / n : 0.0;
}

Mask ChooseMask(const Matrix& scores, const NmPattern& pattern, bool hardware_legal, int sel_group) {
  if (pattern.dense()) return Mask(scores.data.size(), 1);
  return hardware_legal ? LegalNmMask(scores, pattern, sel_group) : FreeNmMask(scores, pattern);
}

// Mask re-selection after the pass (ObsOptions::reselect_iterations): with
// E(v) = (v - original)^T Hd (v - original) per row and the current weights
// v near the optimum under the mask, keeping weight j is worth about
// v_j^2 Hd_jj (what E grows by if it alone is dropped) and restoring a
// dropped j about g_j^2 / (4 Hd_jj), g = 2 Hd (v - original) (what E falls by
// if it alone moves optimally). The legal mask of the largest summed worth
// is chosen, its kept weights are refined from v (the restored ones from 0)
// with max(refine_iterations, 10) CG steps, and it replaces the current mask
// only when the layer's output error (LayerOutputError) falls; stops at the
// first non-improving or unchanged mask.
void ReselectMask(Matrix& w, const Matrix& original, const std::vector<double>& h, ObsLayerResult& result,
                  const NmPattern& pattern, bool hardware_legal, int sel_group, const ObsOptions& options) {
  if (options.reselect_iterations <= 0 || pattern.dense()) return;
  const int rows = w.rows, n = w.cols;
  const double lambda = result.damping * MeanDiagonal(h, n);
  double error = LayerOutputError(original, w, h);
  for (int it = 0; it < options.reselect_iterations; ++it) {
    Matrix worth(rows, n);
    std::vector<double> diff(n);
    for (int r = 0; r < rows; ++r) {
      for (int j = 0; j < n; ++j) diff[j] = static_cast<double>(w.at(r, j)) - original.at(r, j);
      for (int j = 0; j < n; ++j) {
        const double hjj = h[static_cast<size_t>(j) * n + j] + lambda;
        const size_t at = static_cast<size_t>(r) * n + j;
        if (result.mask[at]) {
          const double v = w.data[at];
          worth.data[at] = static_cast<float>(v * v * hjj);
        } else {
          const double* hj = h.data() + static_cast<size_t>(j) * n;
          double g = lambda * diff[j];
          for (int k = 0; k < n; ++k) g += hj[k] * diff[k];
          worth.data[at] = static_cast<float>(g * g / hjj);  // (2g)^2 / (4 Hd_jj)
        }
      }
    }
    Mask candidate = ChooseMask(worth, pattern, hardware_legal, sel_group);
    if (candidate == result.mask) return;
    Matrix trial = w;
    ApplyMask(trial, candidate);
    RefineUnderMask(trial, original, h, candidate, result.damping, std::max(options.refine_iterations, 10));
    const double trial_error = LayerOutputError(original, trial, h);
    if (!(trial_error < error)) return;
    w = std::move(trial);
    result.mask = std::move(candidate);
    error = trial_error;
  }
}

// The SparseGPT pass. With `fixed` the mask is given; otherwise it is chosen
// per group of `pattern.m` columns from the OBS saliencies.
ObsLayerResult Pass(Matrix& w, const std::vector<double>& hessian, const Mask* fixed,
                    const NmPattern& pattern, bool hardware_legal, int sel_group,
                    const ObsOptions& options) {
  const int rows = w.rows, n = w.cols;
  ObsLayerResult result;
  result.mask.assign(w.data.size(), 1);
  if (n == 0 || rows == 0) return result;
  std::vector<double> h = hessian;
  bool all_zero = true;
  for (int j = 0; j < n; ++j) all_zero = all_zero && h[static_cast<size_t>(j) * n + j] == 0.0;
  if (all_zero) {
    // No information about the inputs: no update, mask by magnitude.
    result.all_inputs_zero = true;
    if (fixed) {
      result.mask = *fixed;
    } else {
      Matrix mag(rows, n);
      for (size_t i = 0; i < w.data.size(); ++i) mag.data[i] = std::fabs(w.data[i]);
      result.mask = ChooseMask(mag, pattern, hardware_legal, sel_group);
    }
    ApplyMask(w, result.mask);
    return result;
  }
  for (int j = 0; j < n; ++j) {
    if (h[static_cast<size_t>(j) * n + j] != 0.0) continue;
    ++result.dead_inputs;
    for (int k = 0; k < n; ++k) {
      h[static_cast<size_t>(j) * n + k] = 0.0;
      h[static_cast<size_t>(k) * n + j] = 0.0;
    }
    h[static_cast<size_t>(j) * n + j] = 1.0;
    for (int r = 0; r < rows; ++r) w.at(r, j) = 0.0f;
  }
  const double mean = MeanDiagonal(h, n);
  std::optional<std::vector<double>> u;
  double damping = options.damping;
  for (int attempt = 0; attempt <= kDampingRetries; ++attempt) {
    std::vector<double> hd = h;
    for (int j = 0; j < n; ++j) hd[static_cast<size_t>(j) * n + j] += damping * mean;
    u = UpperCholeskyOfInverse(hd, n);
    if (u) break;
    damping = damping > 0 ? damping * 10.0 : 1e-6;
  }
  if (!u) {
    throw Error(fmt::format("OBS reconstruction: H ({} inputs) is not positive definite even with "
                            "damping {} of its mean diagonal",
                            n, damping / 10.0));
  }
  result.damping = damping;
  const std::vector<double>& U = *u;
  if (fixed) result.mask = *fixed;
  const int m = fixed ? 1 : std::max(1, pattern.m);
  const int block = std::max(m, options.block_size / m * m);
  const Matrix original = w;  // after zeroing dead inputs
  std::vector<double> wd(w.data.begin(), w.data.end());
  std::vector<double> err(static_cast<size_t>(rows) * block);
  for (int i1 = 0; i1 < n; i1 += block) {
    const int i2 = std::min(n, i1 + block), count = i2 - i1;
    for (int i = i1; i < i2; ++i) {
      const double* ui = U.data() + static_cast<size_t>(i) * n;
      if (!fixed && (i % m) == 0) {
        const int real = std::min(m, n - i);
        Matrix scores(rows, real);
        for (int r = 0; r < rows; ++r) {
          for (int e = 0; e < real; ++e) {
            const double d = U[static_cast<size_t>(i + e) * n + i + e];
            const double v = wd[static_cast<size_t>(r) * n + i + e];
            scores.at(r, e) = static_cast<float>(v * v / (d * d));
          }
        }
        const Mask group = ChooseMask(scores, pattern, hardware_legal, sel_group);
        for (int r = 0; r < rows; ++r) {
          for (int e = 0; e < real; ++e) {
            result.mask[static_cast<size_t>(r) * n + i + e] = group[static_cast<size_t>(r) * real + e];
          }
        }
      }
      const double d = ui[i];
      for (int r = 0; r < rows; ++r) {
        double* wr = wd.data() + static_cast<size_t>(r) * n;
        const bool keep = result.mask[static_cast<size_t>(r) * n + i] != 0;
        const double e = keep ? 0.0 : wr[i] / d;
        err[static_cast<size_t>(r) * block + (i - i1)] = e;
        if (keep) continue;
        wr[i] = 0.0;
        for (int j = i + 1; j < i2; ++j) wr[j] -= e * ui[j];
      }
    }
    if (i2 == n) break;
    for (int r = 0; r < rows; ++r) {
      double* wr = wd.data() + static_cast<size_t>(r) * n;
      const double* er = err.data() + static_cast<size_t>(r) * block;
      for (int k = 0; k < count; ++k) {
        const double e = er[k];
        if (e == 0.0) continue;
        const double* uk = U.data() + static_cast<size_t>(i1 + k) * n;
        for (int j = i2; j < n; ++j) wr[j] -= e * uk[j];
      }
    }
  }
  for (size_t i = 0; i < wd.size(); ++i) w.data[i] = static_cast<float>(wd[i]);
  ApplyMask(w, result.mask);
  if (options.refine_iterations > 0) {
    RefineUnderMask(w, original, h, result.mask, result.damping, options.refine_iterations);
  }
  if (!fixed) ReselectMask(w, original, h, result, pattern, hardware_legal, sel_group, options);
  return result;
}

}  // namespace

ObsLayerResult ObsPruneLayer(Matrix& w, const std::vector<double>& hessian,
                             const NmPattern& pattern, bool hardware_legal, int sel_group,
                             const ObsOptions& options) {
  RequireHessian(w, hessian, "ObsPruneLayer");
  if (pattern.n < 1 || pattern.m < 1 || pattern.n > pattern.m) {
    throw UsageError(fmt::format("ObsPruneLayer: pattern {} must be N:M with 1 <= N <= M",
                                 pattern.ToString()));
  }
  if (pattern.dense()) {
    ObsLayerResult result;
    result.mask.assign(w.data.size(), 1);
    return result;
  }
  return Pass(w, hessian, nullptr, pattern, hardware_legal, sel_group, options);
}

ObsLayerResult ObsReconstructWithMask(Matrix& w, const std::vector<double>& hessian,
                                      const Mask& mask, const ObsOptions& options) {
  RequireHessian(w, hessian, "ObsReconstructWithMask");
  if (mask.size() != w.data.size()) {
    throw UsageError(fmt::format("ObsReconstructWithMask: mask of {} entries for a {}x{} weight",
                                 mask.size(), w.rows, w.cols));
  }
  return Pass(w, hessian, &mask, NmPattern{1, 1}, false, 1, options);
}

void ReconstructUnderMask(Matrix& w, const std::vector<double>& hessian, const Mask& mask,
                          double damping) {
  RequireHessian(w, hessian, "ReconstructUnderMask");
  if (mask.size() != w.data.size()) {
    throw UsageError(fmt::format("ReconstructUnderMask: mask of {} entries for a {}x{} weight",
                                 mask.size(), w.rows, w.cols));
  }
  const int n = w.cols;
  const double lambda = damping * MeanDiagonal(hessian, n);
  std::vector<int> kept;
  for (int r = 0; r < w.rows; ++r) {
    const uint8_t* mr = mask.data() + static_cast<size_t>(r) * n;
    kept.clear();
    for (int j = 0; j < n; ++j) {
      if (mr[j]) kept.push_back(j);
    }
    const int k = static_cast<int>(kept.size());
    std::vector<double> a(static_cast<size_t>(k) * k), b(k, 0.0);
    for (int p = 0; p < k; ++p) {
      const double* hp = hessian.data() + static_cast<size_t>(kept[p]) * n;
      for (int q = 0; q < k; ++q) a[static_cast<size_t>(p) * k + q] = hp[kept[q]];
      a[static_cast<size_t>(p) * k + p] += lambda;
      for (int j = 0; j < n; ++j) b[p] += hp[j] * w.at(r, j);
    }
    if (!CholeskyLower(a, k)) {
      throw Error(fmt::format("ReconstructUnderMask: row {}: H restricted to its {} kept inputs is "
                              "singular", r, k));
    }
    // L y = b, L^T x = y.
    for (int p = 0; p < k; ++p) {
      double s = b[p];
      for (int q = 0; q < p; ++q) s -= a[static_cast<size_t>(p) * k + q] * b[q];
      b[p] = s / a[static_cast<size_t>(p) * k + p];
    }
    for (int p = k - 1; p >= 0; --p) {
      double s = b[p];
      for (int q = p + 1; q < k; ++q) s -= a[static_cast<size_t>(q) * k + p] * b[q];
      b[p] = s / a[static_cast<size_t>(p) * k + p];
    }
    for (int j = 0; j < n; ++j) w.at(r, j) = 0.0f;
    for (int p = 0; p < k; ++p) w.at(r, kept[p]) = static_cast<float>(b[p]);
  }
}

void RefineUnderMask(Matrix& w, const Matrix& original, const std::vector<double>& hessian,
                     const Mask& mask, double damping, int iterations) {
  RequireHessian(w, hessian, "RefineUnderMask");
  if (mask.size() != w.data.size() || original.data.size() != w.data.size()) {
    throw UsageError(fmt::format("RefineUnderMask: mask of {} and original of {} entries for a {}x{} weight",
                                 mask.size(), original.data.size(), w.rows, w.cols));
  }
  const int rows = w.rows, n = w.cols;
  if (rows == 0 || n == 0 || iterations <= 0) return;
  std::vector<double> a = hessian;
  const double lambda = damping * MeanDiagonal(hessian, n);
  for (int j = 0; j < n; ++j) a[static_cast<size_t>(j) * n + j] += lambda;
  const size_t size = static_cast<size_t>(rows) * n;
  std::vector<double> v(size), res(size), p(size), q(size), d(size);
  for (size_t i = 0; i < size; ++i) {
    v[i] = mask[i] ? w.data[i] : 0.0;
    d[i] = static_cast<double>(original.data[i]) - v[i];
  }
  // Rows times Hd, skipping zero entries (the kept ones only are nonzero).
  auto times_a = [&](const std::vector<double>& x, std::vector<double>& y) {
    std::fill(y.begin(), y.end(), 0.0);
    for (int r = 0; r < rows; ++r) {
      const double* xr = x.data() + static_cast<size_t>(r) * n;
      double* yr = y.data() + static_cast<size_t>(r) * n;
      for (int j = 0; j < n; ++j) {
        const double c = xr[j];
        if (c == 0.0) continue;
        const double* aj = a.data() + static_cast<size_t>(j) * n;
        for (int k = 0; k < n; ++k) yr[k] += c * aj[k];
      }
    }
  };
  // Residual of the normal equations: Hd (original - v), on kept positions.
  // Jacobi-preconditioned (z = res / diag Hd): the input channels' scales
  // differ by orders of magnitude in a transformer.
  times_a(d, res);
  std::vector<double> z(size, 0.0);
  for (size_t i = 0; i < size; ++i) {
    if (!mask[i]) res[i] = 0.0;
    z[i] = res[i] / a[(i % n) * n + (i % n)];
  }
  p = z;
  std::vector<double> rz(rows, 0.0);
  for (size_t i = 0; i < size; ++i) rz[i / n] += res[i] * z[i];
  for (int it = 0; it < iterations; ++it) {
    times_a(p, q);
    bool any = false;
    for (int r = 0; r < rows; ++r) {
      double* pr = p.data() + static_cast<size_t>(r) * n;
      double* qr = q.data() + static_cast<size_t>(r) * n;
      double* vr = v.data() + static_cast<size_t>(r) * n;
      double* rsr = res.data() + static_cast<size_t>(r) * n;
      double* zr = z.data() + static_cast<size_t>(r) * n;
      const uint8_t* mr = mask.data() + static_cast<size_t>(r) * n;
      double pq = 0.0;
      for (int j = 0; j < n; ++j) {
        if (mr[j]) pq += pr[j] * qr[j];
      }
      if (!(pq > 0.0) || !(rz[r] > 0.0)) {
        std::fill(pr, pr + n, 0.0);
        continue;
      }
      const double alpha = rz[r] / pq;
      double next = 0.0;
      for (int j = 0; j < n; ++j) {
        if (!mr[j]) continue;
        vr[j] += alpha * pr[j];
        rsr[j] -= alpha * qr[j];
        zr[j] = rsr[j] / a[static_cast<size_t>(j) * n + j];
        next += rsr[j] * zr[j];
      }
      const double beta = next / rz[r];
      rz[r] = next;
      for (int j = 0; j < n; ++j) pr[j] = mr[j] ? zr[j] + beta * pr[j] : 0.0;
      any = true;
    }
    if (!any) break;
  }
  for (size_t i = 0; i < size; ++i) w.data[i] = static_cast<float>(v[i]);
}

double LayerOutputError(const Matrix& a, const Matrix& b, const std::vector<double>& hessian) {
  RequireHessian(a, hessian, "LayerOutputError");
  if (a.rows != b.rows || a.cols != b.cols || b.data.size() != a.data.size()) {
    throw UsageError(fmt::format("LayerOutputError: {}x{} against {}x{}", a.rows, a.cols, b.rows, b.cols));
  }
  const int n = a.cols;
  double total = 0.0;
  std::vector<double> d(n);
  for (int r = 0; r < a.rows; ++r) {
    for (int j = 0; j < n; ++j) d[j] = static_cast<double>(a.at(r, j)) - b.at(r, j);
    for (int i = 0; i < n; ++i) {
      const double* hi = hessian.data() + static_cast<size_t>(i) * n;
      double s = 0.0;
      for (int j = 0; j < n; ++j) s += hi[j] * d[j];
      total += d[i] * s;
    }
  }
  return total;
}

}  // namespace flexcim::pruner
