#!/usr/bin/env bash
# End to end on a real scheduler: a one-node Slurm cluster (deploy/slurm/local-cluster.sh) runs
# deploy/slurm over the bundled set as a job array; one task is cancelled mid-run with `scancel`
# and requeued, and must resume without redoing its finished episodes; the merge must equal a
# one-machine run's results.json byte for byte, timings aside. Skipped, saying why, only where
# the daemons cannot start. Daemons are stopped by their process ids on exit.
#   .ci/e2e/slurm.sh [SHARDS]     (default 2; RCABOX_BIN, default target/release/rcabox)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
shards=${1:-2}
bin=${RCABOX_BIN:-$root/target/release/rcabox}
repeats=2
work=$(mktemp -d /tmp/rcabox-slurm.XXXXXX)
cluster=$work/cluster
trap 'deploy/slurm/local-cluster.sh stop "$cluster" || true' EXIT
if [ "$(id -u)" != 0 ] || ! command -v slurmctld >/dev/null; then
  echo "slurm e2e: SKIPPED, needs root and \`apt-get install -y slurm-wlm munge\`"
  exit 0
fi
if ! deploy/slurm/local-cluster.sh start "$cluster"; then
  echo "slurm e2e: SKIPPED, the one-node cluster did not start; logs in $cluster/log"
  exit 0
fi
export SLURM_CONF=$cluster/slurm.conf
t0=$(date +%s.%N)
fail() { echo "slurm e2e: FAILED: $*" >&2; squeue >&2 || true; tail -n 20 "$work"/runs/*.out >&2 || true; exit 1; }
# Poll SECONDS times a tenth of a second until "$@" succeeds.
wait_for() { local n=$(($1 * 10)); shift; for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done; return 1; }
finished() { find "$1" -name episode.json 2>/dev/null | wc -l; }
strip() { jq -S 'del(.raw_results[].rcabox.wall_ms, .rcabox.per_incident[].metrics.wall_s, .rcabox.overall.wall_s)' "$1"; }

"$bin" run --repeats "$repeats" --out "$work/whole" >/dev/null 2>&1 || fail "the one-machine run"
total=$(finished "$work/whole")

export RCABOX_RUN_DIR=$work/runs RCABOX_BIN=$bin RCABOX_REPEATS=$repeats RCABOX_AGENT=baseline
export RCABOX_SBATCH="--cpus-per-task=1"
read -r array merge < <(deploy/slurm/submit.sh "$shards")
echo "slurm e2e: array $array, merge $merge, $shards shards, $total episodes"

# Cancel task 1 once it has finished a few episodes but not all of them.
per=$(( (total + shards - 1) / shards ))
started() { [ "$(finished "$RCABOX_RUN_DIR/shard-1")" -ge 2 ]; }
wait_for 120 started || fail "shard 1 never started"
scancel "${array}_1"
wait_for 30 sh -c "! squeue -h -r -j ${array} -o %i | grep -qx ${array}_1" || fail "task 1 did not stop"
kept=$(finished "$RCABOX_RUN_DIR/shard-1")
[ "$kept" -lt "$per" ] || fail "task 1 finished all $kept episodes before it could be cancelled"
snap() { find "$RCABOX_RUN_DIR/shard-1" -name episode.json -exec stat -c '%n %i %.9Y' {} + | sort; }
snap > "$work/kept"
echo "slurm e2e: cancelled task 1 with $kept of $per episodes finished; requeueing"
scontrol requeue "${array}_1"
# Not sooner: slurmd refuses a job's new credential issued in the second its old one was revoked
# ("Killing non-startable batch JobId: Job credential revoked"), and the task ends unrun.
scontrol update JobId="${array}_1" StartTime=now+3
# Slurm never satisfies afterok on an array with a cancelled task: queue the merge anew.
scancel "$merge"
merge=$(deploy/slurm/submit.sh --merge-after "$array")
wait_for 300 sh -c "[ -z \"\$(squeue -h -o %i)\" ]" || fail "the jobs did not end"
[ "$(find "$RCABOX_RUN_DIR"/shard-* -name episode.json | wc -l)" -eq "$total" ] \
  || fail "the shards did not finish every episode: did the requeued task 1 run?"
[ -f "$RCABOX_RUN_DIR/merged/results.json" ] || fail "no merged results"
# Every episode finished before the cancel is the same file (inode, mtime to the nanosecond).
[ "$(snap | join - "$work/kept" -o 1.2,1.3,2.2,2.3 | awk '$1 == $3 && $2 == $4' | wc -l)" -eq "$kept" ] \
  || fail "the requeued task rewrote finished episodes"
diff <(strip "$work/whole/results.json") <(strip "$RCABOX_RUN_DIR/merged/results.json") >/dev/null \
  || fail "the merged results differ from the one-machine run"
t1=$(date +%s.%N)
printf 'slurm e2e: ok in %.1f s: %s shards, task 1 resumed after scancel keeping %s episodes, merge equals the one-machine run (mean AP %.3f)\n' \
  "$(echo "$t1 - $t0" | bc)" "$shards" "$kept" "$(jq -r '.rcabox.all_recall_ap' "$RCABOX_RUN_DIR/merged/results.json")"
rm -rf "$work/whole" "$work/runs"
