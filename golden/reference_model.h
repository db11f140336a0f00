// ReferenceModel: one compute step of FLEXCIM.md section 3 as plain loops.
// This is the definition; FastModel is held equal to it by a test.
#pragma once

#include <cstdint>
#include <vector>

#include "golden/macro_storage.h"

namespace flexcim::golden {

// `act` holds R*2P activations, lane r*2P + i = x[r][i], each in the signed
// A-bit range. `nlog2` = log2 N, 0..log2 P. Returns P*C lanes (b*C + c).
// Throws flexcim::Error for nlog2 out of range, activations out of range,
// or a wrong lane count. Asserts every partial sum fits its width.
std::vector<int64_t> ReferenceCompute(const MacroStorage& storage, const std::vector<int32_t>& act,
                                      int nlog2);

// The input checks ReferenceCompute makes, for other models to share:
//   "in_nlog2 3: must be in [0, 2] for P = 4"
//   "in_act has 5 lanes: must have R*2P = 128"
//   "in_act lane 7 (x[0][7]) 200: must be in [-128, 127] for A = 8"
void RequireValidNlog2(const MacroConfig& config, int nlog2);
void RequireValidActivations(const MacroConfig& config, const int32_t* act, size_t lanes);

}  // namespace flexcim::golden
