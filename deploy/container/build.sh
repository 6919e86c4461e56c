#!/usr/bin/env bash
# Builds the rcabox image FROM scratch with no registry: `deploy/container/build.sh [TAG]`
# (default rcabox:scratch) from the repository root after `cargo build --release`, or with
# RCABOX_BIN naming another binary. Prints the tag and the image size.
# Why glibc's libraries and not a static musl binary: the release binary is the one the tests
# ran, and musl's allocator would slow the sandbox's many small allocations.
set -euo pipefail
cd "$(dirname "$0")/../.."
tag=${1:-rcabox:scratch}
bin=${RCABOX_BIN:-target/release/rcabox}
[ -x "$bin" ] || { echo "no $bin: run cargo build --release first" >&2; exit 2; }
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
root=$ctx/rootfs
mkdir -p "$root/usr/local/bin" "$root/app/snapshots" "$root/tmp" "$root/runs"
objcopy --strip-debug "$bin" "$root/usr/local/bin/rcabox"
# The loader and every library the binary links, at the paths the binary asks for.
ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp snapshots/bundle.json snapshots/README.md snapshots/LICENSE-ITBench "$root/app/snapshots/"
cp -r data "$root/app/data"
cp deploy/container/Dockerfile.scratch "$ctx/Dockerfile"
if ! log=$(docker build -q -t "$tag" "$ctx" 2>&1); then echo "$log" >&2; exit 1; fi
echo "$tag $(docker image inspect -f '{{.Size}}' "$tag")"
