#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the cluster-sweep tests
# (flexcim sweep --executor slurm) and for trying a cluster sweep locally.
#
#   scripts/slurm-local.sh start [STATE_DIR]   install, configure, start, wait for idle
#   scripts/slurm-local.sh stop  [STATE_DIR]   stop the daemons this script started
#   scripts/slurm-local.sh env   [STATE_DIR]   print the SLURM_CONF line for clients
#
# STATE_DIR (default $FLEXCIM_SLURM_DIR or /tmp/flexcim-slurm) holds
# slurm.conf, the daemons' state, spool, pid and log files. Clients find
# the cluster with SLURM_CONF=STATE_DIR/slurm.conf; /etc/slurm is never
# touched, so a real cluster's configuration is left alone.
#
# start installs Debian's slurm-wlm and munge when missing (idempotent),
# starts munged (unless one answers already), slurmctld and slurmd, and
# waits until sinfo shows the node idle. Every step is a named check; when
# one fails the script prints "slurm-local: check '<name>' failed: <why>",
# writes the same line to STATE_DIR/failed_check and exits 1, so a test can
# report the reason it is skipped. Needs root (slurmd launches the jobs).
# stop kills only the processes whose pid files this script's
# configuration names (and munged only when this script started it).
set -uo pipefail

cmd=${1:-}
STATE=${2:-${FLEXCIM_SLURM_DIR:-/tmp/flexcim-slurm}}
CONF=$STATE/slurm.conf

fail() {
  local line="slurm-local: check '$1' failed: $2"
  echo "$line" >&2
  mkdir -p "$STATE" 2>/dev/null && echo "$line" >"$STATE/failed_check"
  exit 1
}

wait_for() {  # seconds, then a command that succeeds when ready
  local seconds=$1
  shift
  for ((i = 0; i < seconds * 2; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  return 1
}

stop_pidfile() {  # pid file, name
  local file=$1 name=$2
  [ -f "$file" ] || return 0
  local pid
  pid=$(cat "$file")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    echo "slurm-local: stopped $name (pid $pid)"
  fi
  rm -f "$file"
}

node_idle() {
  SLURM_CONF=$CONF sinfo -h -N -o '%T' 2>/dev/null | grep -qx 'idle'
}

start() {
  mkdir -p "$STATE" || fail "state directory" "cannot create $STATE"
  rm -f "$STATE/failed_check"
  [ "$(id -u)" -eq 0 ] || fail "root" "slurmd must run as root to launch jobs (running as $(id -un))"

  # 1. packages
  local missing=()
  for p in slurm-wlm munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "slurm-local: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
      >"$STATE/install.log" 2>&1 || fail "install" "apt-get install ${missing[*]} failed (see $STATE/install.log)"
  fi
  for tool in munged slurmctld slurmd sinfo sbatch squeue; do
    command -v "$tool" >/dev/null || fail "install" "$tool not on PATH after installing slurm-wlm and munge"
  done

  # 2. munge
  [ -f /etc/munge/munge.key ] || fail "munge key" "/etc/munge/munge.key is missing"
  if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    mkdir -p /run/munge && chown munge:munge /run/munge 2>/dev/null
    munged --force >"$STATE/munged.log" 2>&1 || fail "munged" "munged did not start ($(tail -1 "$STATE/munged.log"))"
    echo started >"$STATE/munged.started-here"
    wait_for 10 sh -c 'munge -n | unmunge' || fail "munged" "munge -n | unmunge fails after starting munged"
  fi

  # 3. configuration: this machine, all its CPUs, most of its memory
  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
  mkdir -p "$STATE/state" "$STATE/spool" "$STATE/logs"
  cat >"$CONF" <<CONF
# Written by scripts/slurm-local.sh: a one-node cluster on $host.
ClusterName=flexcim-local
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$STATE/state
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/logs/slurmctld.log
SlurmdLogFile=$STATE/logs/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
# Finished jobs stay visible to squeue/scontrol for an hour (no slurmdbd).
MinJobAge=3600
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

  # 4. daemons (a running pair from an earlier start is reused)
  if ! { [ -f "$STATE/slurmctld.pid" ] && kill -0 "$(cat "$STATE/slurmctld.pid")" 2>/dev/null; }; then
    SLURM_CONF=$CONF slurmctld -f "$CONF" >"$STATE/logs/slurmctld.start" 2>&1 ||
      fail "slurmctld" "slurmctld did not start (see $STATE/logs/slurmctld.log)"
  fi
  wait_for 20 env SLURM_CONF="$CONF" scontrol ping ||
    fail "slurmctld" "scontrol ping gets no answer (see $STATE/logs/slurmctld.log)"
  if ! { [ -f "$STATE/slurmd.pid" ] && kill -0 "$(cat "$STATE/slurmd.pid")" 2>/dev/null; }; then
    SLURM_CONF=$CONF slurmd -f "$CONF" >"$STATE/logs/slurmd.start" 2>&1 ||
      fail "slurmd" "slurmd did not start (see $STATE/logs/slurmd.log)"
  fi

  # 5. the node is idle
  wait_for 60 node_idle || fail "node idle" \
    "sinfo shows the node '$(SLURM_CONF=$CONF sinfo -h -N -o '%T' 2>&1 | head -1)', not idle, after 60 s (see $STATE/logs/)"
  echo "slurm-local: node $host idle with $cpus CPUs; clients: export SLURM_CONF=$CONF"
}

stop() {
  stop_pidfile "$STATE/slurmd.pid" slurmd
  stop_pidfile "$STATE/slurmctld.pid" slurmctld
  if [ -f "$STATE/munged.started-here" ]; then
    stop_pidfile /run/munge/munged.pid munged
    rm -f "$STATE/munged.started-here"
  fi
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *)
    echo "usage: scripts/slurm-local.sh start|stop|env [STATE_DIR]" >&2
    exit 2
    ;;
esac
