#!/usr/bin/env bash
# `make codesign-sweep` (docs/CODESIGN.md "The design sweep"): which FlexCiM
# configuration (P, G, cell style) gives the lowest decode latency and
# energy per token at equal area under a perplexity budget (default 1.25x
# dense W8A8)?
#   1. designs: every FlexCiM (P, G, style) and baseline (P, style) design
#      without energies yet is synthesised by `flexcim sweep` (local or Slurm
#      executor, --resume: a point with a result is kept) and measured by
#      `flexcim energy`; a design found in SWEEP_ENERGY files or in an
#      earlier run's energy files is not synthesised again;
#   2. one `flexcim codesign` per P (kept when its codesign.json exists),
#      then `codesign --rescore` with every energy file (cheap);
#   3. `flexcim codesign-sweep` over the rescored runs names the best.
# Settings (environment): SWEEP_SUBS (P list, 4), SWEEP_GROUPS (1,4,16),
# SWEEP_STYLES (bit-parallel/ff,bit-serial/latch), SWEEP_ROWS, SWEEP_COLS
# (16), SWEEP_MODEL / SWEEP_TOKENIZER (stories15M), SWEEP_BUDGETS (the
# codesign budgets; SWEEP_BUDGET, 1.25, is added), SWEEP_CODESIGN_ARGS
# (more codesign flags, e.g. the text slices), SWEEP_EXECUTOR (local |
# slurm), SWEEP_JOBS (2), SWEEP_ENERGY (energy files to reuse, comma list),
# SWEEP_OUT ($BUILD/codesign_sweep), SWEEP_DESIGNS_ONLY (stop after 1), HEAVY_LOCK (a lock file: synthesis,
# energy and codesign runs take it, under nice, timed).
# Energies: vectorless (activity 0.5) by default; with SWEEP_STIMULUS_PRUNE
# (a `flexcim prune` output with hardware-legal masks, e.g. make demo's
# prune) from the simulated activity of one of its layers on every design
# (`flexcim map --stimulus-layer` at each P and G, `flexcim energy --map`;
# docs/PPA.md): SWEEP_STIMULUS_LAYER (3.wq), per P SWEEP_STIMULUS_LAYER_P<P>
# (e.g. SWEEP_STIMULUS_LAYER_P2=0.wq: a 2:8 layer is not one P = 2 runs),
# SWEEP_STIMULUS_TOKENS (16). Vectorless energies of bit-serial designs are
# an artefact (docs/PPA.md). The script does not tell the two kinds apart: a
# design that a SWEEP_ENERGY file or an earlier run's file in SWEEP_OUT has
# is not measured again, whatever its kind (use a fresh SWEEP_OUT and
# SWEEP_ENERGY files of the kind you want).
set -euo pipefail
BUILD=${1:-build}
FLEXCIM="$BUILD/cli/flexcim"
DATA=${FLEXCIM_DATA:-$(cd "$(dirname "$0")/.." && pwd)/../shared/data}
OUT=${SWEEP_OUT:-$BUILD/codesign_sweep}
MODEL=${SWEEP_MODEL:-$DATA/stories15M.bin}
TOKENIZER=${SWEEP_TOKENIZER:-$DATA/tokenizer.bin}
SUBS=${SWEEP_SUBS:-4}
SEL_GROUPS=${SWEEP_GROUPS:-1,4,16}
STYLES=${SWEEP_STYLES:-bit-parallel/ff,bit-serial/latch}
ROWS=${SWEEP_ROWS:-16}
COLS=${SWEEP_COLS:-16}
BUDGET=${SWEEP_BUDGET:-1.25}
BUDGETS=${SWEEP_BUDGETS:-1.25}
EXECUTOR=${SWEEP_EXECUTOR:-local}
JOBS=${SWEEP_JOBS:-2}
HEAVY=()
if [ -n "${HEAVY_LOCK:-}" ]; then
  HEAVY=(flock "$HEAVY_LOCK" nice -n 10 /usr/bin/time -f "(%e s wall, %U s user, peak RSS %M KB)")
fi
read -r -a CODESIGN_ARGS <<< "${SWEEP_CODESIGN_ARGS:-}"
mkdir -p "$OUT/designs"
STIMULUS_PRUNE=${SWEEP_STIMULUS_PRUNE:-}

# Every energy file known: the reused ones, then those of earlier runs.
energy_files() {
  local files=() f
  if [ -n "${SWEEP_ENERGY:-}" ]; then IFS=, read -r -a files <<< "$SWEEP_ENERGY"; fi
  for f in "$OUT"/designs/energy_*.json; do [ -e "$f" ] && files+=("$f"); done
  (IFS=,; echo "${files[*]}")
}
# covered ARCH CONFIG_NAME: some energy file has this architecture at this configuration.
covered() {
  local f files
  IFS=, read -r -a files <<< "$(energy_files)"
  for f in "${files[@]}"; do
    [ -n "$f" ] && jq -e --arg a "$1" --arg n "$2" '.archs[$a].config == $n' "$f" > /dev/null 2>&1 && return 0
  done
  return 1
}

echo "== codesign-sweep 1/3: designs (P in $SUBS, G in $SEL_GROUPS, $STYLES; R = $ROWS, C = $COLS)"
IFS=, read -r -a P_LIST <<< "$SUBS"
IFS=, read -r -a G_LIST <<< "$SEL_GROUPS"
IFS=, read -r -a STYLE_LIST <<< "$STYLES"
failed_energy=()
for style in "${STYLE_LIST[@]}"; do
  mac=${style%/*}; storage=${style#*/}
  suffix=""
  [ "$mac" = bit-serial ] && suffix+="_bs"
  [ "$storage" = latch ] && suffix+="_latch"
  for P in "${P_LIST[@]}"; do
    # The designs without energies: one `flexcim sweep` of them (JOBS at a
    # time), then one `flexcim energy` per design (an energy file holds one
    # configuration per architecture).
    archs=(); groups=()
    for G in "${G_LIST[@]}"; do
      covered flexcim "p${P}_r${ROWS}_c${COLS}_g${G}_a8_w8${suffix}" || groups+=("$G")
    done
    [ ${#groups[@]} -gt 0 ] && archs+=(flexcim)
    for arch in dense sparse12; do covered "$arch" "p${P}_r${ROWS}_c${COLS}_a8_w8${suffix}" || archs+=("$arch"); done
    if [ ${#archs[@]} -eq 0 ]; then echo "P=$P $style: every design has energies"; continue; fi
    [ ${#groups[@]} -eq 0 ] && groups=("$COLS")
    tag="p${P}_${mac}_${storage}_$(IFS=-; echo "${archs[*]}")_g$(IFS=-; echo "${groups[*]}")"
    work="$OUT/designs/work/$tag"
    resume=()
    [ -e "$work/sweep_manifest.json" ] && resume=(--resume)
    # A finished sweep of these designs (no failed point) is not run again.
    if ! jq -e '.failed == [] and (.results | length) > 0' "$OUT/designs/$tag/sweep.json" > /dev/null 2>&1; then
      "${HEAVY[@]}" "$FLEXCIM" sweep --subs "$P" --sel-groups "$(IFS=,; echo "${groups[*]}")" --rows "$ROWS" \
        --cols "$COLS" --arch "$(IFS=,; echo "${archs[*]}")" --mac "$mac" --storage "$storage" --executor "$EXECUTOR" \
        --jobs "$JOBS" --work "$work" --out "$OUT/designs/$tag" "${resume[@]}" | tail -n 1
    fi
    activity=()
    if [ -n "$STIMULUS_PRUNE" ]; then
      # One map per G of this P: the stimulus layer's FlexCiM schedule at G
      # and the baselines' (the same at every G), every style of the sweep.
      layer_var="SWEEP_STIMULUS_LAYER_P$P"
      layer=${!layer_var:-${SWEEP_STIMULUS_LAYER:-3.wq}}
      macs=$(printf '%s\n' "${STYLE_LIST[@]%/*}" | awk '!seen[$0]++' | paste -sd, -)
      storages=$(printf '%s\n' "${STYLE_LIST[@]#*/}" | awk '!seen[$0]++' | paste -sd, -)
      for G in "${groups[@]}"; do
        map="$OUT/designs/map_p${P}_g${G}_${layer}"
        [ -e "$map/map.json" ] && continue
        "$FLEXCIM" map --pruned "$STIMULUS_PRUNE" --subs "$P" --sel-group "$G" --layers "$layer" \
          --arch flexcim,dense,sparse12 --out "$map" --stimulus-layer "$layer" --stimulus-tokens "${SWEEP_STIMULUS_TOKENS:-16}" --stimulus-mac "$macs" --stimulus-storage "$storages" > /dev/null
      done
    fi
    for result in "$work"/*/result.json; do
      point=$(basename "$(dirname "$result")")
      [ -e "$OUT/designs/energy_$point.json" ] && continue
      mkdir -p "$OUT/designs/$point"
      jq '{results: [.]}' "$result" > "$OUT/designs/$point/report.json"
      if [ -n "$STIMULUS_PRUNE" ]; then
        # The point's G (a baseline's is any of this P's maps: its stimulus has no G).
        G=$(sed -E 's/.*_g([0-9]+)_.*/\1/' <<< "$point")
        [ -e "$OUT/designs/map_p${P}_g${G}_${layer}/map.json" ] || G=${groups[0]}
        activity=(--map "$OUT/designs/map_p${P}_g${G}_${layer}")
      fi
      # A design whose energy run fails (e.g. its RTL disagrees with its
      # golden model on the stimulus) does not stop the others.
      if ! "${HEAVY[@]}" "$FLEXCIM" energy --synth "$OUT/designs/$point" --out "$OUT/designs/energy_$point.json" \
        --jobs "$JOBS" "${activity[@]}" | tail -n 2; then
        failed_energy+=("$point")
      fi
    done
  done
done
if [ ${#failed_energy[@]} -gt 0 ]; then
  echo "codesign-sweep: no energies for ${failed_energy[*]} (their flexcim energy runs failed, above)" >&2
  exit 1
fi

[ -n "${SWEEP_DESIGNS_ONLY:-}" ] && exit 0

echo "== codesign-sweep 2/3: each architecture's own best model per P (flexcim codesign; kept when done), reported with every design's energies"
ENERGY=$(energy_files)
RUNS=()
for P in "${P_LIST[@]}"; do
  if [ ! -e "$OUT/codesign_p$P/codesign.json" ]; then
    "${HEAVY[@]}" "$FLEXCIM" codesign --model "$MODEL" --tokenizer "$TOKENIZER" --budgets "$BUDGETS,$BUDGET" \
      --arch flexcim,sparse12,dense --groups "$SEL_GROUPS" --styles "$STYLES" --subs "$P" --rows "$ROWS" --cols "$COLS" \
      --energy "$ENERGY" --quiet "${CODESIGN_ARGS[@]}" --out "$OUT/codesign_p$P" > /dev/null
  fi
  "$FLEXCIM" codesign --rescore "$OUT/codesign_p$P/codesign.json" --energy "$ENERGY" --out "$OUT/rescored_p$P" > /dev/null
  RUNS+=("$OUT/rescored_p$P/codesign.json")
done

echo "== codesign-sweep 3/3: the best configuration at ${BUDGET}x, equal area"
"$FLEXCIM" codesign-sweep --runs "$(IFS=,; echo "${RUNS[*]}")" --budget "$BUDGET" --out "$OUT/sweep"
