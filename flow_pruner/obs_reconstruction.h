// OBS-style weight reconstruction of one linear layer under an N:M mask
// (SparseGPT, Frantar & Alistarh 2023; `flexcim prune --reconstruct obs`,
// issue 17). Given H = X^T X over the calibration inputs X (tokens x in) the
// layer sees, prune W ([out][in]) so that ||W X^T - W' X^T||^2 =
// sum over rows of (w - w')^T H (w - w') grows least:
//
//  1. dead inputs (H_jj = 0: the input is zero on every calibration token):
//     H_jj := 1 and W[:, j] := 0 (free: the output does not change), as
//     SparseGPT does; a layer whose inputs are ALL zero is not updated at
//     all (the caller warns), its mask is chosen by |W|;
//  2. damping: H += lambda I with lambda = damping * mean(diag H) (1% by
//     default, SparseGPT's percdamp); if a Cholesky factorisation fails the
//     damping is multiplied by 10 and retried (at most 6 times);
//  3. U = the upper Cholesky factor of H^-1 (double precision throughout);
//  4. columns in blocks of B (128 rounded down to a multiple of M): at the
//     first column of every group of M inputs the group's mask is chosen
//     from the OBS saliencies w_rj^2 / U_jj^2 of the current (already
//     updated) weights -- with the free N:M rule, or with the exactly optimal
//     legal rule of FLEXCIM.md section 4 so the G rows of a select group
//     share their pair selects (the group's pair gain is the sum of its rows'
//     saliencies); then each column j is pruned where the mask drops it and
//     its error (w_rj - q_rj) / U_jj is propagated to the later columns of
//     the block through row j of U, and after the block to every later
//     column at once.
//
// With the mask fixed this is sequential OBS: each pruned weight is
// compensated by the weights after it only, so the result equals the exact
// restricted least-squares optimum (ReconstructUnderMask) when the pruned
// positions of each row come before its kept ones, and is in general
// between that optimum and no update (RefineUnderMask then moves it towards
// the optimum). Quantisation is left to the caller: the pipeline quantises
// the reconstructed weights to W bits per row afterwards, as for every
// method, rather than GPTQ-style inside the pass, because the per-row
// scale (max |w| / (2^(W-1) - 1), quantize.h) depends on the final weights
// the pass is still changing, the container and the macro's bit-exact path
// stay exactly as they are, and at the default W = 8 the rounding error is
// small beside the pruning error (stories15M uniform 4:8, G = 1: 12.9578
// unquantised; the W8A8 figure is printed beside it by `flexcim prune`).
#pragma once

#include <vector>

#include "core/nm_pattern.h"
#include "flow_pruner/matrix.h"
#include "flow_pruner/nm_mask.h"

namespace flexcim::pruner {

struct ObsOptions {
  double damping = 0.01;  // lambda = damping * mean(diag H)
  int block_size = 128;   // columns per lazy-update block (rounded down to a multiple of M)
  // After the pass, this many conjugate-gradient iterations on each row's
  // kept weights towards the exact optimum under the chosen mask (the damped
  // objective; CG never increases it). 0 = SparseGPT as published.
  int refine_iterations = 0;
  // Then at most this many rounds of mask re-selection: the legal mask of
  // the largest estimated worth (kept weights by what dropping them costs,
  // dropped ones by what restoring them gains) refined and taken only when
  // the layer's output error falls (never increases it). 0 = off.
  int reselect_iterations = 0;
};

struct ObsLayerResult {
  Mask mask;                     // row-major [out][in], 1 = kept
  int dead_inputs = 0;           // inputs with H_jj = 0 (weights zeroed)
  bool all_inputs_zero = false;  // H = 0: pruned by |W| without the update
  double damping = 0.0;          // damping fraction finally used (after retries)
};

// Chooses the mask inside the pass (free N:M when !hardware_legal, else
// legal for select group G; a dense pattern keeps W unchanged) and updates
// the kept weights of `w` in place. `hessian` is in x in, row-major,
// symmetric. Throws UsageError on a size mismatch, Error when H has a
// non-finite entry or stays indefinite after the damping retries.
ObsLayerResult ObsPruneLayer(Matrix& w, const std::vector<double>& hessian,
                             const NmPattern& pattern, bool hardware_legal, int sel_group,
                             const ObsOptions& options = {});

// The same pass with a given mask (any 0/1 mask, e.g. for tests).
ObsLayerResult ObsReconstructWithMask(Matrix& w, const std::vector<double>& hessian,
                                      const Mask& mask, const ObsOptions& options = {});

// The exact optimum under a fixed mask: per row, the kept weights solve the
// normal equations H_KK w'_K = (H w)_K (H + damping * mean(diag H) * I);
// dropped weights become 0. Throws Error when H_KK is singular.
void ReconstructUnderMask(Matrix& w, const std::vector<double>& hessian, const Mask& mask,
                          double damping = 0.0);

// Jacobi-preconditioned conjugate gradient on the kept weights of every row of `w` (a masked
// estimate of `original`), minimising (original - w)^T Hd (original - w) with
// Hd = H + damping * mean(diag H) * I over the kept positions of `mask`,
// `iterations` steps (exact after as many steps as a row keeps weights).
// Rows run as one batch (each step one product of the search directions
// with Hd). Never increases the damped error.
void RefineUnderMask(Matrix& w, const Matrix& original, const std::vector<double>& hessian,
                     const Mask& mask, double damping, int iterations);

// sum over rows of (a - b)^T H (a - b) = ||a X^T - b X^T||^2.
double LayerOutputError(const Matrix& a, const Matrix& b, const std::vector<double>& hessian);

}  // namespace flexcim::pruner
