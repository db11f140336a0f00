// Reads rwkv.cpp's model files (rwkv_file_format.inc), little-endian:
//   header: six uint32 magic 0x67676d66 ("ggmf"), file version (100 or 101),
//     n_vocab, n_embed, n_layer, data type;
//   then tensors to the end of the file, each: uint32 dim_count (1..3),
//     key length, data type (0 FP32, 1 FP16; quantised types are refused),
//     dim_count uint32 dims in ggml order (innermost first: a matrix
//     (in, out) holds `out` rows of `in`, as nn.Linear.weight), the key bytes,
//     the data.
// The RWKV version follows rwkv.cpp's rule from the tensor names
// (att.ln_x -> v5, with att.gate -> v5.2; time_maa_x -> v6; x_rwkvag -> v7);
// v5.2 and v7 are run (rwkv_model.h).
#pragma once

#include <string>

#include "flow_pruner/rwkv_model.h"

namespace flexcim::pruner {

inline constexpr uint32_t kRwkvFileMagic = 0x67676d66;

// True when `path` is a regular file starting with rwkv.cpp's magic (how
// `--model FILE` tells it from a llama2.c .bin, which has no magic).
bool IsRwkvModelFile(const std::string& path);

// Reads and checks the whole file. Every problem is one flexcim::Error
// starting with the path, e.g.
//   "F: not an rwkv.cpp model: magic 0x00000040, expected 0x67676d66 (\"ggmf\")"
//   "F: tensor blocks.3.att.key.weight: data needs 16384 bytes at offset 12345, the file has 20000 (truncated)"
//   "F: missing tensor blocks.11.ffn.value.weight"
//   "F: RWKV v4 is not supported (v5.2, v7)".
RwkvModel LoadRwkvModel(const std::string& path);

}  // namespace flexcim::pruner
