#!/usr/bin/env bash
# make demo: the main job end to end on the model users see (stories15M,
# 15.2 M parameters, read in place from the data directory; stories260K
# stays for the fast unit tests and the one-block RTL check):
# FLOW-prune with hardware-legal masks, map onto the macro, generate RTL,
# verify it in Verilator (random traffic and a real pruned layer), Yosys /
# OpenSTA PPA with the baselines, energy per operation, each architecture's
# own best model at equal perplexity (flexcim codesign), and one report
# headed by the iso-perplexity table and ending with latency and energy per
# token of FlexCiM against fixed 1:2 and dense DCiM (docs/PERF.md).
set -euo pipefail
BUILD=${1:-build}
FLEXCIM="$BUILD/cli/flexcim"
RUN=${FLEXCIM_DEMO_OUT:-$BUILD/demo}
DATA=${FLEXCIM_DATA:-$(cd "$(dirname "$0")/.." && pwd)/../shared/data}
MODEL=(--model "$DATA/stories15M.bin" --tokenizer "$DATA/tokenizer.bin")
mkdir -p "$RUN"

echo "== 1/9 FLOW pruning of stories15M at mean sparsity 0.5 (legal masks for the default macro, G = C = 16; calibration blocks 0:255, perplexity on 3300:4299)"
"$FLEXCIM" prune "${MODEL[@]}" --method flow --target 0.5 --out "$RUN/prune"

echo "== 2/9 map every pruned layer onto the FlexCiM, dense and fixed 1:2 macros' tiles (each = its GEMV); schedule layer 3.wq for the RTL"
"$FLEXCIM" map --pruned "$RUN/prune" --arch flexcim,dense,sparse12 --out "$RUN/map" \
  --stimulus-layer 3.wq --stimulus-tokens 16 | tail -8

echo "== 2b/9 perplexity computed by the macro: the pruned model W8A8 fake-quantised and with every pruned layer on the golden macro's integer tiles (held-out blocks 3300:3499; step 1 gave the W8A8 figure of 3300:4299), then one text block of stories260K (FLOW 0.5, the test's own pruning) with every layer on the Verilated RTL"
"$FLEXCIM" eval --pruned "$RUN/prune" --tokenizer "$DATA/tokenizer.bin" --blocks 3300:3499 --quiet --json "$RUN/eval_fake_quantised.json" | tail -2
"$FLEXCIM" eval --pruned "$RUN/prune" --tokenizer "$DATA/tokenizer.bin" --blocks 3300:3499 --on-macro --quiet --json "$RUN/eval_on_macro.json" | tail -2
FLEXCIM_DATA="$DATA" FLEXCIM_SOURCE_DIR="$(cd "$(dirname "$0")/.." && pwd)" \
  "$BUILD/verif/model_on_rtl_test" | grep "^model on RTL"

echo "== 3/9 generate the default FlexCiM macro"
"$FLEXCIM" gen --out "$RUN/rtl"

echo "== 4/9 verify it in Verilator against the golden model (random traffic, resets, rewrites)"
"$FLEXCIM" verify --work "$RUN/verify_work" --vectors 5000 --json "$RUN/verify.json"

echo "== 5/9 run the real pruned layer's tiles on the RTL"
"$FLEXCIM" verify --work "$RUN/verify_work" --stimulus "$RUN/map/stimulus.txt" --json "$RUN/verify_layer.json"

echo "== 5b/9 the accelerator around the macros (docs/ACCEL.md): the same layer 3.wq of stories15M loaded into the weight and activation buffers of Q = 4 default macros through the host interface, run by the tile sequencer (overlapped schedule), outputs against the integer GEMV and cycles against the system model"
"$FLEXCIM" verify --accel --macros 4 --pruned "$RUN/prune" --layer 3.wq --tokens 2 --wbuf-rows 8192 \
  --abuf-words 64 --obuf-rows 64 --descriptors 256 --max-tokens 2 --work "$RUN/accel_work"

echo "== 6/9 Yosys area + OpenSTA timing/power (input toggle rates measured on the real layer in Verilator): FlexCiM and the dense and fixed 1:2 baselines, two designs at a time (power per component: flexcim synth without --no-power-breakdown)"
"$FLEXCIM" synth --arch flexcim,dense,sparse12 --activity-from "$RUN/verify_layer.json" \
  --jobs 2 --no-power-breakdown --work "$RUN/synth_work" --out "$RUN/synth" | tail -25

echo "== 7/9 energy per input vector, row write and idle cycle of the three macros (9 OpenSTA runs at each design's one-clock period, two at a time)"
"$FLEXCIM" energy --synth "$RUN/synth" --out "$RUN/synth/energy.json" --jobs 2

echo "== 8/9 at equal perplexity (docs/CODESIGN.md): each architecture's own best stories15M model under 1.25x and 2x the dense W8A8 perplexity (FlexCiM G = 16: its N:M set; fixed 1:2: dense or 1:2 with free masks; dense), OBS reconstruction, lowest decode latency on 16 macros, at equal area with step 7's areas and energies (demo-sized: calibration 0:63, validation 3000:3015, held-out 3300:3349; the full run is in docs/CODESIGN.md). It replaces the equal-sparsity prune --report of earlier demos: docs/FLOW.md has every method, G and target"
"$FLEXCIM" codesign "${MODEL[@]}" --budgets 1.25,2 --arch flexcim,sparse12,dense --groups 16 \
  --calib-blocks 0:63 --validation-blocks 3000:3015 --heldout-blocks 3300:3349 \
  --energy "$RUN/synth/energy.json" --quiet --out "$RUN/codesign" | sed -n "1,12p"

echo "== 9/9 report"
"$FLEXCIM" report --run "$RUN" --out "$RUN/report" --summary
echo
echo "Verilog: $RUN/rtl (top flexcim_top, manifest $RUN/rtl/manifest.json); report: $RUN/report/report.md"
