#!/usr/bin/env bash
# make demo: the main job end to end on the shipped model.
set -euo pipefail
BUILD=${1:-build}
FLEXCIM="$BUILD/cli/flexcim"
OUT=${FLEXCIM_DEMO_OUT:-$BUILD/demo}
mkdir -p "$OUT"

echo "== 1. generate the default FlexCiM macro"
"$FLEXCIM" gen --out "$OUT/rtl"

echo "== 2. verify it in Verilator against the golden model"
"$FLEXCIM" verify --work "$OUT/verify" --vectors 5000 --json "$OUT/verify.json"

echo
echo "Verilog: $OUT/rtl (top flexcim_top, manifest $OUT/rtl/manifest.json)"
