#!/usr/bin/env bash
# flexcim sweep --executor slurm on the one-node cluster of
# scripts/slurm-local.sh (started by the ctest fixture slurm_local):
#  1. bad input: no sbatch on PATH, an unreachable controller, a task that
#     finds no manifest (directly and through Slurm): one exact line each;
#  2. the small grid of sweep_small_grid through one job array: the merged
#     CSV equals the local executor's byte for byte (areas, fmax, power);
#  3. --detach, one task made to fail (its point directory is a file), the
#     failure reported by --collect with the Slurm state and log, then
#     --resume submits only that task and the merged rows equal the local
#     executor's.
# Exit 77 (ctest SKIP) when the cluster could not start, naming the check.
set -uo pipefail
FLEXCIM=$1 SRC=$2 WORK=$3 LOCAL_CSV=$4
STATE=${FLEXCIM_SLURM_DIR:-/tmp/flexcim-slurm}
export SLURM_CONF=$STATE/slurm.conf

if [ -f "$STATE/failed_check" ]; then
  echo "SKIPPED: the local Slurm cluster did not start: $(cat "$STATE/failed_check")"
  exit 77
fi
if ! sinfo -h -N -o '%T' 2>/dev/null | grep -qx idle; then
  echo "SKIPPED: the local Slurm cluster did not start: check 'node idle' failed: sinfo shows '$(sinfo -h -N -o '%T' 2>&1 | head -1)'"
  exit 77
fi

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_line() {  # file, exact line
  grep -qxF -- "$2" "$1" || { fail "expected the line: $2"; echo "--- $1:"; cat "$1"; }
}
expect_code() {  # got, want, what
  [ "$1" = "$2" ] || fail "$3: exit $1, expected $2"
}

rm -rf "$WORK"
mkdir -p "$WORK"
GRID=(--subs 1,2 --sel-groups 1,2,4 --rows 2 --cols 2 --a-bits 4 --w-bits 4 --arch flexcim,sparse12)
SMALL=(--subs 1 --sel-groups 1,2 --rows 2 --cols 2 --a-bits 4 --w-bits 4 --arch flexcim)
ONE=(--subs 1 --sel-groups 1 --rows 2 --cols 2 --a-bits 4 --w-bits 4 --arch flexcim)

# 1. Bad input.
env PATH=/nonexistent "$FLEXCIM" sweep "${SMALL[@]}" --executor slurm --out "$WORK/nopath" 2>"$WORK/nopath.err"
expect_code $? 1 "no sbatch on PATH"
expect_line "$WORK/nopath.err" "flexcim sweep: error: --executor slurm: sbatch is not on PATH (run on a host with Slurm's client commands, e.g. the cluster's login node)"

sed -e 's/^SlurmctldHost=.*/&\nSlurmctldPort=1/' "$SLURM_CONF" >"$WORK/dead.conf"
SLURM_CONF=$WORK/dead.conf "$FLEXCIM" sweep "${SMALL[@]}" --executor slurm --out "$WORK/dead" 2>"$WORK/dead.err"
expect_code $? 1 "unreachable controller"
expect_line "$WORK/dead.err" "flexcim sweep: error: --executor slurm: the Slurm controller is unreachable (sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure))"

"$FLEXCIM" sweep-point --manifest "$WORK/nowhere/sweep_manifest.json" --task 0 2>"$WORK/nomanifest.err"
expect_code $? 1 "task without a manifest"
expect_line "$WORK/nomanifest.err" "flexcim sweep-point: error: $WORK/nowhere/sweep_manifest.json: no sweep manifest (is $WORK/nowhere on a filesystem this node shares with the submitting host?)"

# ... and through Slurm: the manifest is gone when the (held) task starts.
job=$("$FLEXCIM" sweep "${ONE[@]}" --executor slurm --detach --sbatch-arg=--hold \
        --out "$WORK/unshared" 2>"$WORK/unshared.err")
mv "$WORK/unshared/work/sweep_manifest.json" "$WORK/unshared/manifest.away"
scontrol release "$job"
for _ in $(seq 60); do squeue -h -j "$job" -t PENDING,RUNNING,COMPLETING | grep -q . || break; sleep 1; done
mv "$WORK/unshared/manifest.away" "$WORK/unshared/work/sweep_manifest.json"
"$FLEXCIM" sweep --collect "$WORK/unshared/work" --poll-seconds 1 >"$WORK/unshared.out" 2>>"$WORK/unshared.err"
expect_code $? 1 "collect after a task without its manifest"
expect_line "$WORK/unshared.err" "flexcim sweep: FAILED flexcim_p1_r2_c2_g1_a4_w4: not run: task 0 (job $job) FAILED, log $WORK/unshared/work/slurm/task-${job}_0.log: flexcim sweep-point: error: $WORK/unshared/work/sweep_manifest.json: no sweep manifest (is $WORK/unshared/work on a filesystem this node shares with the submitting host?)"

# 2. The small grid as one job array; the CSV equals the local executor's.
start=$(date +%s.%N)
"$FLEXCIM" sweep "${GRID[@]}" --executor slurm --poll-seconds 2 --out "$WORK/grid" >"$WORK/grid.out" 2>"$WORK/grid.err"
expect_code $? 0 "slurm sweep of the small grid"
echo "slurm executor: small grid (6 points) in $(echo "$(date +%s.%N) - $start" | bc) s wall"
grep -q "^flexcim sweep: submitted job [0-9]*: 6 array tasks (0-5) for 6 points, run directory $WORK/grid/work$" "$WORK/grid.err" ||
  fail "no submission line"
expect_line "$WORK/grid.err" "flexcim sweep: 6/6 points done, 0 running, 0 pending, 0 failed"
cmp "$LOCAL_CSV" "$WORK/grid/sweep.csv" || { fail "slurm CSV differs from the local executor's"; diff "$LOCAL_CSV" "$WORK/grid/sweep.csv"; }

# 3. One task fails, --collect reports it, --resume reruns only it.
# (--out must be new or the sweep's own, so the point directory is made a
# file while the submitted job is held.)
job=$("$FLEXCIM" sweep "${SMALL[@]}" --executor slurm --detach --sbatch-arg=--hold --out "$WORK/resume" \
        2>"$WORK/resume.err")
expect_code $? 0 "detached submission"
[[ "$job" =~ ^[0-9]+$ ]] || fail "--detach printed '$job', not a job id"
rm -rf "$WORK/resume/work/flexcim_p1_r2_c2_g2_a4_w4"
echo "not a directory" >"$WORK/resume/work/flexcim_p1_r2_c2_g2_a4_w4"
scontrol release "$job"
"$FLEXCIM" sweep --collect "$WORK/resume/work" --poll-seconds 1 >"$WORK/collect.out" 2>"$WORK/collect.err"
expect_code $? 1 "collect with a failed task"
grep -q "^flexcim sweep: FAILED flexcim_p1_r2_c2_g2_a4_w4: not run: task 1 (job $job) FAILED, log $WORK/resume/work/slurm/task-${job}_1.log: sweep-point: task 1: flexcim_p1_r2_c2_g2_a4_w4: FAILED: " "$WORK/collect.err" ||
  { fail "collect does not report task 1 with its state and log"; cat "$WORK/collect.err"; }
expect_line "$WORK/collect.err" "flexcim sweep: 1/2 points done, 0 running, 0 pending, 1 failed"
grep -q "^sweep: 2 points (1 failed) in " "$WORK/collect.out" || fail "collect summary"
rm "$WORK/resume/work/flexcim_p1_r2_c2_g2_a4_w4"
"$FLEXCIM" sweep "${SMALL[@]}" --executor slurm --resume --poll-seconds 1 --out "$WORK/resume" \
  >"$WORK/resume2.out" 2>"$WORK/resume2.err"
expect_code $? 0 "--resume"
grep -q "^flexcim sweep: submitted job [0-9]*: 1 array task (1) for 1 point, run directory $WORK/resume/work$" "$WORK/resume2.err" ||
  { fail "--resume did not submit exactly task 1"; cat "$WORK/resume2.err"; }
# Areas and fmax of the resumed sweep equal the local executor's rows.
columns() {  # csv: arch..W, total_um2 and fmax_mhz of the flexcim P=1 rows
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "fmax_mhz") f = i; next }
           $1 == "flexcim" && $2 == 1 { print $1, $2, $3, $4, $5, $6, $7, $8, $f }' "$1"
}
[ "$(columns "$WORK/resume/sweep.csv")" = "$(columns "$LOCAL_CSV")" ] && [ -n "$(columns "$LOCAL_CSV")" ] ||
  { fail "resumed areas/fmax differ from the local executor's"; columns "$WORK/resume/sweep.csv"; columns "$LOCAL_CSV"; }

[ $failures -eq 0 ] && echo "slurm sweep: all checks passed"
exit $((failures > 0))
