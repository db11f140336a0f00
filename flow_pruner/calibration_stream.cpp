#include "flow_pruner/calibration_stream.h"

#include <algorithm>

#include "core/errors.h"
#include "core/parallel_for.h"
#include "flow_pruner/forward.h"

namespace flexcim::pruner {

namespace {

constexpr int kChunks = 8;  // fixed, so the sums do not depend on threads

// The layers whose input is collected; the others share it.
constexpr LinearKind kOwners[] = {LinearKind::kQ, LinearKind::kO, LinearKind::kW1, LinearKind::kW2};

LinearKind Owner(LinearKind k) {
  switch (k) {
    case LinearKind::kK:
    case LinearKind::kV: return LinearKind::kQ;
    case LinearKind::kW3: return LinearKind::kW1;
    default: return k;
  }
}


}  // namespace

void AddGram(const Matrix& x, std::vector<double>& h, std::vector<double>& xt) {
  const int t = x.rows, n = x.cols;
  xt.resize(static_cast<size_t>(n) * t);
  for (int r = 0; r < t; ++r) {
    const float* row = x.row(r);
    for (int j = 0; j < n; ++j) xt[static_cast<size_t>(j) * t + r] = row[j];
  }
  for (int a = 0; a < n; ++a) {
    const double* xa = xt.data() + static_cast<size_t>(a) * t;
    double* ha = h.data() + static_cast<size_t>(a) * n;
    for (int b = 0; b <= a; ++b) {
      const double* xb = xt.data() + static_cast<size_t>(b) * t;
      double s = 0.0;
      for (int r = 0; r < t; ++r) s += xa[r] * xb[r];
      ha[b] += s;
    }
  }
}

CalibrationStream::CalibrationStream(const LlamaModel& model,
                                     const std::vector<std::vector<int>>& samples, int threads)
    : config_(model.config), streams_(samples.size()), threads_(threads) {
  if (samples.empty()) throw Error("calibration: no samples");
  ParallelFor(static_cast<int>(samples.size()), threads, [&](int i) {
    streams_[i] = RunTransformerLayers(model, samples[i], 0);
  });
}

BlockHessians CalibrationStream::Hessians(const LlamaLayer& layer) const {
  if (block_ >= config_.n_layers) throw Error("calibration: every block has been run");
  const int n = samples();
  const int chunks = std::min(kChunks, n);
  auto inputs = [&](LinearKind k) { return layer.linear(k).cols; };
  using Sums = std::array<std::vector<double>, kNumLinearKinds>;
  // The chunks run in waves of one per thread and each wave is added to the
  // total in chunk order as it ends (the same sums as adding every chunk at
  // the end): only `threads` chunk Hessians are held at a time.
  std::array<std::vector<double>, kNumLinearKinds> total;
  for (LinearKind k : kOwners) total[LinearIndex(k)].assign(static_cast<size_t>(inputs(k)) * inputs(k), 0.0);
  const int wave = EffectiveThreads(threads_, chunks);
  for (int c0 = 0; c0 < chunks; c0 += wave) {
    const int in_wave = std::min(wave, chunks - c0);
    std::vector<Sums> per_chunk(in_wave);
    ParallelFor(in_wave, threads_, [&](int w) {
      const int c = c0 + w;
      Sums& sums = per_chunk[w];
      for (LinearKind k : kOwners) {
        sums[LinearIndex(k)].assign(static_cast<size_t>(inputs(k)) * inputs(k), 0.0);
      }
      std::vector<double> scratch;
      ForwardHooks hooks;
      hooks.observe_input = [&](int, LinearKind kind, const Matrix& x) {
        if (Owner(kind) != kind) return;
        AddGram(x, sums[LinearIndex(kind)], scratch);
      };
      const int first = static_cast<int>(static_cast<int64_t>(n) * c / chunks);
      const int last = static_cast<int>(static_cast<int64_t>(n) * (c + 1) / chunks);
      for (int i = first; i < last; ++i) {
        Matrix x = streams_[i];
        RunTransformerBlock(config_, layer, block_, x, hooks);
      }
    });
    for (const Sums& sums : per_chunk) {
      for (LinearKind k : kOwners) {
        std::vector<double>& h = total[LinearIndex(k)];
        const std::vector<double>& part = sums[LinearIndex(k)];
        for (size_t i = 0; i < h.size(); ++i) h[i] += part[i];
      }
    }
  }
  BlockHessians result;
  for (const Matrix& s : streams_) result.tokens += s.rows;
  for (LinearKind k : kOwners) {
    const int d = inputs(k);
    std::vector<double>& h = total[LinearIndex(k)];
    for (int a = 0; a < d; ++a) {
      for (int b = 0; b < a; ++b) h[static_cast<size_t>(b) * d + a] = h[static_cast<size_t>(a) * d + b];
    }
    result.h[LinearIndex(k)] = std::make_shared<const std::vector<double>>(std::move(h));
  }
  for (LinearKind k : kAllLinearKinds) result.h[LinearIndex(k)] = result.h[LinearIndex(Owner(k))];
  return result;
}

void CalibrationStream::Advance(const LlamaLayer& layer) {
  if (block_ >= config_.n_layers) throw Error("calibration: every block has been run");
  ParallelFor(samples(), threads_, [&](int i) {
    RunTransformerBlock(config_, layer, block_, streams_[i]);
  });
  ++block_;
}

}  // namespace flexcim::pruner
