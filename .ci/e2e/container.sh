#!/usr/bin/env bash
# End to end in a real container: builds the image FROM scratch without a registry
# (deploy/container/build.sh), runs `rcabox run --shard 1/2` in it with no network, a read-only
# root filesystem, a non-root user and the run folder on a volume, and checks that the results
# equal the same shard run on the host byte for byte (timings aside) and that a second container
# reuses the first one's compiled-module cache on the volume. Starts dockerd if none is running
# (and stops it by its process id); skipped, saying why, only where no daemon can run.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${RCABOX_BIN:-$(pwd)/target/release/rcabox}
tag=rcabox:e2e
work=$(mktemp -d /tmp/rcabox-container.XXXXXX)
dockerd_pid=
cleanup() {
  docker image rm -f "$tag" rcabox-bench-peer >/dev/null 2>&1 || true
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "container e2e: FAILED: $*" >&2; exit 1; }
if ! command -v docker >/dev/null; then
  echo "container e2e: SKIPPED, no docker client (apt-get install -y docker.io)"
  exit 0
fi
if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v dockerd >/dev/null; then
    echo "container e2e: SKIPPED, no docker daemon and none can be started here (needs root and dockerd)"
    exit 0
  fi
  dockerd >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 150); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
  if ! docker info >/dev/null 2>&1; then
    echo "container e2e: SKIPPED, dockerd did not start: $(tail -n 3 "$work/dockerd.log")"
    exit 0
  fi
fi
strip() { jq -S 'del(.raw_results[].rcabox.wall_ms, .rcabox.per_incident[].metrics.wall_s, .rcabox.overall.wall_s)' "$1"; }
t0=$(date +%s.%N)
read -r _ size < <(RCABOX_BIN=$bin deploy/container/build.sh "$tag")
[ "$(docker image inspect -f '{{.Config.User}}' "$tag")" = 65532:65532 ] || fail "the image runs as root"

runs=$work/runs
mkdir -p "$runs"
chown 65532:65532 "$runs"
box() {
  docker run --rm --network none --read-only --tmpfs /tmp --user 65532:65532 \
    --memory 2g --pids-limit 256 -v "$runs:/runs" "$tag" "$@"
}
box run --repeats 1 --shard 1/2 --out /runs/shard-1 >"$work/shard.log" 2>&1 \
  || { cat "$work/shard.log" >&2; fail "the shard in the container"; }
"$bin" run --repeats 1 --shard 1/2 --out "$work/host" >/dev/null 2>&1 || fail "the shard on the host"
diff <(strip "$work/host/results.json") <(strip "$runs/shard-1/results.json") >/dev/null \
  || fail "the container's results differ from the host's"
# Nothing but the volume was written: the image's recipe was materialized into the cache there.
[ -f "$runs/.cache/snapshots/Scenario-2/rcabox-manifest.json" ] || fail "no snapshots on the volume"

# A python3 command compiles CPython once into the volume's cache; a second container reuses it.
py() { box exec --snapshot /runs/.cache/snapshots/Scenario-2 'python3 -c "print(6*7)"'; }
[ "$(py)" = 42 ] || fail "python3 in the container"
ls -l --time-style=+%s.%N "$runs/.cache"/*.cwasm > "$work/cache1"
[ "$(py)" = 42 ] || fail "python3 in the second container"
ls -l --time-style=+%s.%N "$runs/.cache"/*.cwasm > "$work/cache2"
grep -q python "$work/cache1" || fail "CPython was not cached on the volume"
diff "$work/cache1" "$work/cache2" >/dev/null || fail "the second container recompiled"
# rcabox bench's docker peer: the mix by `docker exec` into an image of this machine's tools.
deploy/container/peer-image.sh rcabox-bench-peer >/dev/null || fail "building the bench's peer image"
"$bin" bench --against docker --repeat 1 --no-cold --no-mcp --json >"$work/bench.json" \
  || fail "rcabox bench --against docker"
jq -e '.peers[0].name == "docker" and .geomean_speedup_vs_docker > 0
  and ([.commands[] | select(.exit != .docker_exit)] | length == 0)' "$work/bench.json" >/dev/null \
  || fail "rcabox bench --against docker: $(jq -c '.skipped, [.commands[] | {command, exit, docker_exit}]' "$work/bench.json")"
t1=$(date +%s.%N)
printf 'container e2e: ok in %.1f s: image %s MB FROM scratch, shard 1/2 read-only, non-root, no network, equal to the host run; second container reused the module cache; bench over docker exec %sx slower\n' \
  "$(echo "$t1 - $t0" | bc)" "$(echo "scale=1; $size / 1000000" | bc)" \
  "$(jq -r '.geomean_speedup_vs_docker * 10 | floor / 10' "$work/bench.json")"
