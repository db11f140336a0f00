// Hugging Face Mamba-1 checkpoints (MambaForCausalLM, e.g. the
// state-spaces/mamba-*-hf releases): config.json + model.safetensors or
// shards (hf_tensor_locator.h), tensors in F32, F16 or BF16.
//
// config.json keys, the transformers name first and mamba_ssm's second:
// hidden_size | d_model, num_hidden_layers | n_layer, vocab_size,
// state_size | d_state (default 16), conv_kernel | d_conv (4), expand (2),
// time_step_rank | dt_rank ("auto" = ceil(d_model / 16), or a number),
// pad_vocab_size_multiple (the embedding has vocab_size rounded up to it),
// tie_word_embeddings (default true), layer_norm_epsilon (1e-5), use_bias
// (false), use_conv_bias (true), hidden_act (silu only).
// Tensors: backbone.embeddings.weight, backbone.layers.{i}.norm.weight,
// backbone.layers.{i}.mixer.{in_proj, conv1d, x_proj, dt_proj, out_proj}.*,
// mixer.A_log [d_inner, d_state], mixer.D, backbone.norm_f.weight, and
// lm_head.weight unless tied.
// A Mamba-2 checkpoint (Mamba2ForCausalLM, model_type mamba2, A_log of shape
// [heads], a gated norm inside the mixer) is refused by name before any
// weight is read.
#pragma once

#include <string>

#include "flow_pruner/mamba_model.h"

namespace flexcim::pruner {

// True when `dir` is a directory whose config.json names a Mamba model
// (architecture MambaForCausalLM / Mamba2ForCausalLM, or model_type mamba /
// mamba2); such a directory is loaded (or refused) by LoadMambaCheckpoint.
bool IsMambaCheckpointDirectory(const std::string& dir);

// Every problem is one flexcim::Error naming the file and the key or tensor:
//   "D/config.json: \"time_step_rank\" must be \"auto\" or a positive integer, not \"fast\""
//   "D/model.safetensors: missing tensor backbone.layers.1.mixer.dt_proj.bias"
//   "D/model.safetensors: tensor backbone.layers.0.mixer.x_proj.weight has shape [9, 16], config.json implies [10, 16]"
//   "D/config.json: Mamba-2 (Mamba2ForCausalLM) is not supported (MambaForCausalLM)"
MambaModel LoadMambaCheckpoint(const std::string& dir);

}  // namespace flexcim::pruner
