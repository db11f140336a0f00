// Hugging Face checkpoints of the Llama family: a directory holding
// config.json and either model.safetensors or shards listed in
// model.safetensors.index.json ("weight_map": tensor name -> shard file).
//
// Architectures: LlamaForCausalLM, MistralForCausalLM (RMSNorm, rotate-half
// RoPE with rope_theta, GQA, SwiGLU, tied or untied embeddings) and
// Qwen2ForCausalLM (the same plus q/k/v biases). Tensors in F32, F16 or BF16
// are converted to fp32 one at a time from the memory-mapped files.
//
// RoPE convention: Hugging Face rotates the pairs (i, i + head_size/2) of
// each head ("rotate half") and its q/k projection rows are permuted to match
// (transformers' convert_llama_weights_to_hf.py); llama2.c rotates adjacent
// pairs (2i, 2i+1). The reader moves q/k rows (and biases) of each head from
// HF position c*head_size/2 + i to llama2.c position 2i + c, which makes the
// adjacent-pair rotation compute exactly the rotate-half one (the attention
// scores q.k are unchanged because q and k get the same permutation), and the
// writer applies the inverse. See docs/HF_CHECKPOINTS.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "flow_pruner/llama_model.h"

namespace flexcim::pruner {

// The architectures the reader accepts, in the order errors list them.
const std::vector<std::string>& SupportedHfArchitectures();

// Row `hf_row` of a Hugging Face q/k projection (or bias element) is row
// HfToLlama2cRow(hf_row, head_size) of the llama2.c-order matrix.
int64_t HfToLlama2cRow(int64_t hf_row, int head_size);

// Loads a Hugging Face directory. Every problem is one flexcim::Error naming
// the file and, where there is one, the tensor, e.g.
//   "ckpt/config.json: architecture GPT2LMHeadModel is not supported
//    (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM)"
//   "ckpt/model.safetensors: missing tensor model.layers.1.mlp.up_proj.weight"
//   "ckpt/model.safetensors: tensor model.norm.weight has shape [32], config.json implies [64]"
LlamaModel LoadHfCheckpoint(const std::string& directory);

// Makes a llama2.c model writable as a Hugging Face LlamaForCausalLM: sets
// model.hf with a config.json built from its header (rope_theta, rms_eps,
// tie_word_embeddings from the shared classifier) and every tensor in
// `dtype` ("F32", "F16" or "BF16"; Error otherwise). `flexcim convert`.
void DescribeAsHfLlama(LlamaModel& model, const std::string& dtype);

// Rounds the seven linear weights of block `layer` to the dtype the
// checkpoint stores them in (BF16/F16: round to nearest even, as the writer
// does; F32 or a model without model.hf: unchanged), so weights computed in
// fp32 (OBS reconstruction) are in memory what WriteHfCheckpoint writes.
void RoundBlockToStorageDtype(LlamaModel& model, int layer);

// Writes `model` (loaded by LoadHfCheckpoint or described by
// DescribeAsHfLlama, model.hf set) into the existing directory `directory`: config.json verbatim,
// model.safetensors with every tensor in its input dtype (q/k rows permuted
// back), and the input directory's tokenizer files when present. Returns the
// names of the files written. Not atomic by itself: call it on a staging
// directory (core/output_directory.h).
std::vector<std::string> WriteHfCheckpoint(const LlamaModel& model,
                                           const std::filesystem::path& directory);

}  // namespace flexcim::pruner
