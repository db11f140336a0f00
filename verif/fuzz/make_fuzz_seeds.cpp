// Writes the generated seeds of the fuzz targets (real files the project
// produces) into <out>/<target>/: a pruned container of stories260K's first
// wq layer (legal 2:4, W8), a stimulus and its toggle-rate JSON, manifests of
// the three architectures, a tiny model and a slice of the text with a slice
// spec. The shared data files themselves are linked in by CMake.
//   make_fuzz_seeds <data dir> <out dir>
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "flow_pruner/file_bytes.h"
#include "flow_pruner/llama_model.h"
#include "flow_pruner/model_writer.h"
#include "flow_pruner/nm_mask.h"
#include "flow_pruner/pruned_container.h"
#include "flow_pruner/quantize.h"
#include "flow_pruner/text_blocks.h"
#include "generator/arch_generator.h"
#include "verif/fuzz/fuzz_seed_config.h"
#include "verif/stimulus.h"
#include "verif/stimulus_file.h"
#include "verif/toggle_rates.h"

namespace fs = std::filesystem;
using namespace flexcim;

namespace {

void WriteContainerSeed(const fs::path& data, const fs::path& dir) {
  const pruner::LlamaModel model = pruner::LoadLlamaModel((data / "stories260K.bin").string());
  pruner::Matrix w = model.layers[0].wq;
  pruner::Matrix scores = w;
  for (float& v : scores.data) v = std::fabs(v);
  pruner::PrunedContainer c;
  c.method = "uniform";
  c.source_model_sha256 = std::string(64, '0');
  const NmPattern pattern{2, 4};
  const pruner::Mask mask = pruner::LegalNmMask(scores, pattern, c.config.sel_group());
  pruner::ApplyMask(w, mask);
  const pruner::QuantizedRows q = pruner::QuantizeWeights(w, c.w_bits);
  pruner::PrunedLayer l;
  l.block = 0;
  l.name = "wq";
  l.rows = w.rows;
  l.cols = w.cols;
  l.pattern = pattern;
  l.mask = mask;
  l.weights.assign(q.q.begin(), q.q.end());
  l.scales.assign(q.scale.begin(), q.scale.end());
  c.layers.push_back(l);
  pruner::WriteContainer(c, dir / "stories260K_0_wq.flexcim");
}

void WriteTinyModelSeed(const fs::path& dir) {
  pruner::LlamaConfig c;
  c.dim = 4;
  c.hidden_dim = 8;
  c.n_layers = 1;
  c.n_heads = 2;
  c.n_kv_heads = 1;
  c.vocab_size = 6;
  c.shared_classifier = false;
  c.seq_len = 4;
  pruner::LlamaModel m = pruner::AllocateLlamaModel(c);
  float x = 0.0f;
  for (const pruner::TensorRef& t : pruner::TensorsInFileOrder(m)) {
    for (size_t i = 0; i < t.size; ++i) t.data[i] = (x += 0.25f);
  }
  pruner::WriteLlamaModel(m, (dir / "tiny.bin").string());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_fuzz_seeds <data dir> <out dir>\n";
    return 2;
  }
  try {
    const fs::path data = argv[1], out = argv[2];
    for (const char* t : {"fuzz_llama_model", "fuzz_text_blocks", "fuzz_pruned_container", "fuzz_stimulus",
                          "fuzz_design_manifest", "fuzz_activity_json"}) {
      fs::create_directories(out / t);
    }
    WriteTinyModelSeed(out / "fuzz_llama_model");
    WriteContainerSeed(data, out / "fuzz_pruned_container");

    const auto blocks = pruner::SplitTextBlocks(pruner::ReadFileBytes((data / "tinystories-valid-head.txt").string()));
    std::string text = "0:3\n";
    for (size_t i = 0; i < blocks.size() && i < 8; ++i) text += blocks[i] + "\n\n";
    WriteFileAtomically(out / "fuzz_text_blocks" / "head8.txt", text);

    const ArchConfig config(Arch::kFlexcim, fuzz::SeedConfig());
    const verif::Stimulus s = verif::RandomStimulus(config, {.vectors = 24, .seed = 3});
    verif::WriteStimulusFile(config, s.cycles, out / "fuzz_stimulus" / "random.txt");
    const nlohmann::json activity = {{"config", config.Name()},
                                     {"vectors", s.stats.vectors},
                                     {"input_toggle_rates", verif::InputToggleRates(config, s.cycles)}};
    WriteFileAtomically(out / "fuzz_activity_json" / "verify.json", activity.dump(2) + "\n");

    for (const Arch arch : {Arch::kFlexcim, Arch::kDense, Arch::kSparse12}) {
      WriteFileAtomically(out / "fuzz_design_manifest" / (ArchName(arch) + ".json"),
                          gen::GenerateArch(arch, config.macro()).ManifestText());
    }
  } catch (const Error& e) {
    std::cerr << "make_fuzz_seeds: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
