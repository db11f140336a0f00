// CalibrationStream: sequential calibration for weight reconstruction
// (issue 17). It holds the residual stream of every calibration sample at
// the input of the next transformer block, so block i's statistics come
// from the blocks before it as they are now (already pruned and
// reconstructed) at the cost of one block per step instead of a forward pass
// through blocks 0..i (CalibrateLayer).
//
// Hessians() runs the next block with the given weights and collects, for
// each of its linear layers, H = sum over samples and tokens of x x^T
// (double), x the input that layer sees. As in SparseGPT's Llama code, all
// seven layers of a block see the inputs of the block as it is before it is
// pruned (q, k, v share one input, and so do w1 and w3: one H each).
// Samples are summed in fixed chunks of consecutive samples and the chunks in
// order, so H does not depend on the thread count.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "flow_pruner/llama_model.h"
#include "flow_pruner/matrix.h"

namespace flexcim::pruner {

struct BlockHessians {
  // [LinearIndex(kind)]: in x in row-major; q/k/v (and w1/w3) share one.
  std::array<std::shared_ptr<const std::vector<double>>, kNumLinearKinds> h;
  int64_t tokens = 0;

  const std::vector<double>& operator[](LinearKind kind) const { return *h[LinearIndex(kind)]; }
};

// h (n x n row-major, lower triangle only) += x^T x for x (tokens x n), in
// double; `xt` is scratch. A symmetric H needs its upper triangle mirrored.
void AddGram(const Matrix& x, std::vector<double>& h, std::vector<double>& xt);

class CalibrationStream {
 public:
  // The embeddings of every sample (block 0's input). Throws Error for no
  // samples or a sample the model cannot run (see forward.h).
  CalibrationStream(const LlamaModel& model, const std::vector<std::vector<int>>& samples,
                    int threads);

  int next_block() const { return block_; }
  int samples() const { return static_cast<int>(streams_.size()); }
  const Matrix& stream(int sample) const { return streams_[sample]; }

  // H of every linear layer of block next_block() with weights `layer`.
  BlockHessians Hessians(const LlamaLayer& layer) const;
  // Runs block next_block() with weights `layer` on every stream.
  void Advance(const LlamaLayer& layer);

 private:
  LlamaConfig config_;
  std::vector<Matrix> streams_;
  int threads_ = 0;
  int block_ = 0;
};

}  // namespace flexcim::pruner
