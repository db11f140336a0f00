#!/usr/bin/env bash
# Installs every build/test dependency of FlexCiM from Debian's packages.
# Idempotent: when everything is already present it prints one line and exits.
set -euo pipefail

PACKAGES=(
  cmake g++ make pkg-config
  verilator          # Verilog -> C++ co-simulation (5.006), CMake package verilator-config.cmake
  yosys              # synthesis + area (0.23)
  iverilog           # Icarus Verilog: the generated accelerator is checked Icarus-clean too (gen_accel_test)
  opensta            # static timing and power (command: sta)
  libfmt-dev         # all text formatting
  libboost-program-options-dev  # all command-line flags
  libgtest-dev googletest       # unit and co-simulation tests
  nlohmann-json3-dev # manifest.json, reports and every machine-readable output
  libssl-dev         # SHA-256 (libcrypto EVP): data-file checks, container checksums
  clang libclang-rt-14-dev libfuzzer-14-dev  # ASan+UBSan build, libFuzzer targets (verif/fuzz/)
  libsentencepiece-dev  # SentencePiece tokenizer.model files of Hugging Face checkpoints
  libpcre2-dev       # tokenizer.json pre-tokenisation regexes (Unicode \p{L}/\p{N}, look-ahead) of byte-level BPE
  libutf8proc-dev    # tokenizer.json NFC normalizer (GPT-NeoX / Mamba, Qwen2 tokenizers)
  gzip
  git                # experiments/*/*.patch: a unit test checks each experiment's patch still applies
  time               # /usr/bin/time: wall, CPU and peak RSS in scripts/codesign_sweep.sh, ppa_table.sh, experiments/levels/run.sh
  jq                 # JSON queries in scripts/codesign_sweep.sh (make codesign-sweep): which designs a sweep still lacks
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${#missing[@]} packages"
