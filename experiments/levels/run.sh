#!/usr/bin/env bash
# Levels a non-power-of-two N would add (docs/FLOW.md "Levels between the
# macro's"). Runs the per-layer search of round 4 (run Z2 at G = 1, Z1 at
# G = 16) with every x:8 level, on a flexcim built with any_n.patch, and the
# uniform controls. Validation slice only (2800:3299).
#
#   experiments/levels/run.sh FLEXCIM OUTDIR [L0 L1 L2 ...]
#
# FLEXCIM: the patched binary (see README.md); OUTDIR: where the runs go.
set -euo pipefail
flexcim=$1; out=$2; shift 2
data=${FLEXCIM_DATA:-../shared/data}
common=(--model "$data/stories15M.bin" --tokenizer "$data/tokenizer.bin"
        --calib-blocks 0:2699 --eval-blocks 2800:3299 --threads 2
        --obs-reselect 10 --permute-channels inputs --subs 8)
search=(--method search --search-granularity layer --search-score-blocks 2700:2799)
mkdir -p "$out"
for run in "$@"; do
  case $run in
    # Control: uniform 4:8 at G = 1 on the patched binary with P = 8. Z2's
    # pruned.bin is this model, so this must give Z2's 21.3080.
    L0) flags=(--select-group 1 --obs-refine 30 --method uniform --nm 4:8) ;;
    # Z2 with every x:8 level (sparsity 7/8 .. 0).
    L1) flags=(--select-group 1 --obs-refine 30 "${search[@]}"
               --candidates 1:8,2:8,3:8,4:8,5:8,6:8,7:8,8:8) ;;
    # Z1 (G = 16, refinement 50) with the x:8 levels beside the macro's
    # 1:2, 1:4 and 2:4, and 3:4.
    L2) flags=(--select-group 16 --obs-refine 50 "${search[@]}"
               --candidates 1:2,1:4,2:4,3:4,1:8,2:8,3:8,4:8,5:8,6:8,7:8,8:8) ;;
    # Control for L2: Z1 on the patched binary (the macro's own levels).
    L3) flags=(--select-group 16 --obs-refine 50 "${search[@]}"
               --candidates 1:2,1:4,2:4,1:8,2:8,4:8,8:8) ;;
    *) echo "run.sh: unknown run '$run' (L0..L3)" >&2; exit 2 ;;
  esac
  rm -rf "$out/$run"
  echo "== $run: ${flags[*]}"
  /usr/bin/time -v "$flexcim" prune "${common[@]}" "${flags[@]}" --out "$out/$run" \
    > "$out/$run.log" 2> "$out/$run.time"
  grep -E "perplexity|ppl" "$out/$run.log" | tail -3
done
