#!/usr/bin/env bash
# make ppa-table (docs/PPA.md "Comparison table at simulated activity"):
# every architecture x cell style x storage kind at the default size, each
# synthesised once (a synth directory with a report.json is reused), each
# run on its own schedule of one real pruned layer (`flexcim map
# --stimulus-layer`), energies from that simulated activity (`flexcim
# energy --map`), one energy JSON per cell style (what `perf`, `report` and
# `codesign --energy` read) and the comparison table of all of them
# (`flexcim energy --combine`: ppa_table.json and ppa_table.md).
#
#   scripts/ppa_table.sh BUILD OUT PRUNE LAYER "STYLES" LOCK
# STYLES: space-separated MAC:STORAGE pairs (default all four). Every
# synthesis and energy run holds LOCK (flock), niced: one heavy job at a
# time on a shared machine. PPA_ENERGY_FLAGS (environment) is added to
# every energy run, e.g. --no-power-breakdown (totals only, about half the
# OpenSTA time).
set -euo pipefail
BUILD=${1:-build}
OUT=${2:-$BUILD/ppa}
PRUNE=${3:-$BUILD/demo/prune}
LAYER=${4:-3.wq}
STYLES=${5:-bit-parallel:ff bit-parallel:latch bit-serial:ff bit-serial:latch}
LOCK=${6:-$BUILD/heavy.lock}
FLEXCIM="$BUILD/cli/flexcim"
HEAVY=(flock "$LOCK" nice -n 10 /usr/bin/time -f "peak RSS %M KB, %e s wall, %U s user")

if [[ ! -e "$PRUNE/pruned.flexcim" ]]; then
  echo "ppa-table: no $PRUNE/pruned.flexcim: run make demo first or give PRUNE=<prune output>" >&2
  exit 1
fi
mkdir -p "$OUT"
macs=() storages=()
for style in $STYLES; do
  macs+=("${style%%:*}") storages+=("${style##*:}")
done
uniq_list() { printf '%s\n' "$@" | awk '!seen[$0]++' | paste -sd, -; }

if [[ ! -e "$OUT/map/map.json" ]]; then
  echo "== stimuli: layer $LAYER of $PRUNE on every design"
  "$FLEXCIM" map --pruned "$PRUNE" --arch flexcim,dense,sparse12 --out "$OUT/map" --stimulus-layer "$LAYER" \
    --stimulus-tokens 16 --stimulus-mac "$(uniq_list "${macs[@]}")" \
    --stimulus-storage "$(uniq_list "${storages[@]}")" | grep '^Stimulus' | cut -c1-160
fi

energies=()
for style in $STYLES; do
  mac=${style%%:*} storage=${style##*:}
  synth="$OUT/synth_${mac}_${storage}"
  energy="$OUT/energy_${mac}_${storage}.json"
  if [[ -e "$synth/report.json" ]]; then
    echo "== $mac/$storage: reusing $synth"
  else
    echo "== $mac/$storage: synthesising flexcim, dense, sparse12"
    "${HEAVY[@]}" "$FLEXCIM" synth --arch flexcim,dense,sparse12 --mac "$mac" --storage "$storage" --jobs 2 \
      --no-power-breakdown --out "$synth" > "$synth.log" 2>&1 || { tail -5 "$synth.log"; exit 1; }
    tail -1 "$synth.log"
  fi
  if [[ -e "$energy" ]]; then
    echo "== $mac/$storage: reusing $energy"
  else
    echo "== $mac/$storage: energy from simulated activity"
    "${HEAVY[@]}" "$FLEXCIM" energy --synth "$synth" --map "$OUT/map" --jobs 2 ${PPA_ENERGY_FLAGS:-} --out "$energy" \
      > "$energy.log" 2>&1 || { tail -5 "$energy.log"; exit 1; }
    grep -E "^flexcim energy: .* done in|^energy from simulated|peak RSS" "$energy.log"
  fi
  energies+=("$energy")
done
"$FLEXCIM" energy --combine "$(IFS=,; echo "${energies[*]}")" --out "$OUT/ppa_table.json"
