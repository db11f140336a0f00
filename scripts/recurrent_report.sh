#!/usr/bin/env bash
# Writes RUN/recurrent/ for the recurrent section of `flexcim report --run RUN`
# (flow_pruner/recurrent_report.h, docs/FLOW.md): rwkv.cpp's tiny RWKV v5.2
# pruned at 0.5 with legal masks (uniform 2:4 and FLOW, without and with OBS
# reconstruction), calibrated on byte blocks 0:127 and scored on the distinct
# held-out byte blocks 3300:3499; and Mamba-2.8b's shapes at 2:4 on 64 macros of each of the three
# architectures (decode and prefill). Usage: recurrent_report.sh BUILD RUN
set -euo pipefail
BUILD=${1:?usage: recurrent_report.sh BUILD RUN}
RUN=${2:?usage: recurrent_report.sh BUILD RUN}
FLEXCIM="$BUILD/cli/flexcim"
DATA=${FLEXCIM_DATA:-$(cd "$(dirname "$0")/.." && pwd)/../shared/data}
MODEL="$DATA/rwkv/tiny-rwkv-5v2-730K-FP32.bin"
TEXT="$DATA/tinystories-valid-head.txt"
mkdir -p "$RUN/recurrent/rwkv"
for method in uniform flow; do
  for reconstruct in none obs; do
    nm=()
    if [ "$method" = uniform ]; then nm=(--nm 2:4); fi
    echo "== RWKV v5.2 $method, reconstruction $reconstruct"
    "$FLEXCIM" prune --model "$MODEL" --text "$TEXT" --method "$method" "${nm[@]}" --target 0.5 \
      --reconstruct "$reconstruct" --calib-blocks 0:127 --eval-blocks 3300:3499 --quiet \
      --out "$RUN/recurrent/rwkv/$method-$reconstruct" | tail -1
  done
done
echo "== Mamba-2.8b shapes at 2:4"
"$FLEXCIM" perf --shape mamba-2.8b --nm 2:4 --macros 64 --arch flexcim,dense,sparse12 \
  --json "$RUN/recurrent/perf-mamba-2.8b.json"
