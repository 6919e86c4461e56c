#!/usr/bin/env bash
# Submits an rcabox benchmark run to Slurm: a job array of N shards, then a merge that starts
# when every shard has succeeded (--dependency=afterok).
#   RCABOX_RUN_DIR=/shared/runs/gpt RCABOX_AGENT=openai:gpt-4o deploy/slurm/submit.sh 8
#   deploy/slurm/submit.sh --merge-after JOBID   queue the merge again (see below)
# Prints the array's and the merge's job ids. Extra sbatch options (partition, account, time)
# go in SBATCH_* environment variables or RCABOX_SBATCH, e.g. RCABOX_SBATCH="-p cpu -t 12:00:00".
#
# After `scancel` of a task Slurm never satisfies `afterok` on its array again, even once the task
# is requeued (`scontrol requeue JOBID_TASK`) and has finished; queue the merge anew with
# `--merge-after JOBID`, which waits for the array to end in any state and refuses to merge while
# an episode is missing. A task requeued while running (`scontrol requeue`) keeps `afterok`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${RCABOX_RUN_DIR:?set RCABOX_RUN_DIR to a folder on a filesystem every node shares}"
mkdir -p "$RCABOX_RUN_DIR"
# shellcheck disable=SC2206 # a list of sbatch options, split on purpose
opts=(${RCABOX_SBATCH:-} --export=ALL --output="$RCABOX_RUN_DIR/%x-%A_%a.out")
if [ "${1:-}" = "--merge-after" ]; then
  array=${2:?--merge-after JOBID}
  sbatch --parsable "${opts[@]}" --output="$RCABOX_RUN_DIR/%x-%j.out" \
    --dependency="afterany:$array" "$here/merge.sbatch"
  exit
fi
n=${1:?usage: submit.sh SHARDS | --merge-after JOBID}
array=$(sbatch --parsable "${opts[@]}" --array="1-$n" "$here/shard.sbatch")
merge=$(sbatch --parsable "${opts[@]}" --output="$RCABOX_RUN_DIR/%x-%j.out" \
  --dependency="afterok:$array" "$here/merge.sbatch")
echo "$array $merge"
