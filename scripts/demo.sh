#!/usr/bin/env bash
# make demo: the main job end to end on the model users see (stories15M,
# 15.2 M parameters, read in place from the data directory; stories260K
# stays for the fast unit tests and the one-block RTL check):
# FLOW-prune with hardware-legal masks, map onto the macro, generate RTL,
# verify it in Verilator (random traffic and a real pruned layer), Yosys /
# OpenSTA PPA with the baselines, energy per operation, every pruning method
# at three sparsities, and one report ending with latency and energy per
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

echo "== 7/9 energy per input vector, row write and idle cycle of the three macros (9 OpenSTA runs at the compute-path period, two at a time)"
"$FLEXCIM" energy --synth "$RUN/synth" --out "$RUN/synth/energy.json" --jobs 2

echo "== 8/9 stories15M: perplexity of uniform, OWL-style and FLOW at 0.5 with G = 1 and G = 16 masks, with OBS reconstruction (SparseGPT's pass, no refinement; blocks 3300:3349, calibration 0:63 to fit the demo; docs/FLOW.md has every G, target and reconstruction setting)"
"$FLEXCIM" prune "${MODEL[@]}" --report --report-groups 1,16 --report-no-free --report-selectors FLOW \
  --report-reconstruct obs --report-targets 0.5 --obs-refine 0 \
  --calib-blocks 0:63 --eval-blocks 3300:3349 --quiet --out "$RUN/prune_report" | tail -3

echo "== 9/9 report"
"$FLEXCIM" report --run "$RUN" --out "$RUN/report" --summary
echo
echo "Verilog: $RUN/rtl (top flexcim_top, manifest $RUN/rtl/manifest.json); report: $RUN/report/report.md"
