#!/usr/bin/env bash
# Runs one libFuzzer target on its seeds and prints one summary line:
#   fuzz <name>: <executions> executions, <findings> findings (<seconds> s)
# and appends it to <work>/summary.txt. Exit status: libFuzzer's (non-zero
# when it found a crash, a sanitizer report or an escaped exception; the
# input is kept as <work>/<name>/crash-*).
#   run_fuzz_target.sh <fuzzer> <name> <seed dir> <work dir> <runs> <seconds>
# runs -1: unbounded (then seconds bounds the run); seconds 0: unbounded.
set -uo pipefail
fuzzer=$1 name=$2 seeds=$3 work=$4 runs=$5 seconds=$6
corpus="$work/$name/corpus"
mkdir -p "$corpus"
log="$work/$name/fuzz.log"
start=$(date +%s)
# Inputs as large as the largest seed (libFuzzer would cap them at 1 MiB and
# cut the real model short).
max_len=$(find -L "$seeds" -type f -printf '%s\n' | sort -n | tail -1)
"$fuzzer" -runs="$runs" -max_total_time="$seconds" -seed=1 -rss_limit_mb=2048 -timeout=20 -max_len="${max_len:-4096}" \
  -print_final_stats=1 -artifact_prefix="$work/$name/" "$corpus" "$seeds" >"$log" 2>&1
status=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
findings=$(find "$work/$name" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'leak-*' -o -maxdepth 1 -name 'timeout-*' -o -maxdepth 1 -name 'oom-*' | wc -l)
line="fuzz $name: ${execs:-?} executions, $findings findings ($(( $(date +%s) - start )) s)"
echo "$line"
echo "$line" >>"$work/summary.txt"
if [ "$status" -ne 0 ]; then
  tail -n 40 "$log"
fi
exit "$status"
