#!/usr/bin/env bash
# Builds `rcabox-bench-peer`, the image `rcabox bench --against docker` runs the mix in with
# `docker exec`: this machine's GNU bash, coreutils, grep, sed, gawk, findutils, jq, ripgrep and
# CPython (with its standard library), with exactly the shared libraries they link, FROM scratch,
# so no registry is needed and the commands are the very programs `--against native` runs.
#   deploy/container/peer-image.sh [TAG]
set -euo pipefail
tag=${1:-rcabox-bench-peer}
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
root=$ctx/rootfs
mkdir -p "$root/usr/bin" "$root/tmp" "$root/snapshot"
ln -s usr/bin "$root/bin"
chmod 1777 "$root/tmp"
copy() { # a file and every library it links, at their own paths
  local f=$1
  mkdir -p "$root$(dirname "$f")"
  cp -L "$f" "$root$f"
  { ldd "$f" 2>/dev/null || true; } | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
    while read -r lib; do
      [ -e "$root$lib" ] && continue
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
}
tools="bash sh env ls cat head tail cut sort uniq wc tr sed grep egrep awk gawk find xargs jq rg
  basename dirname sleep true false echo printf test mkdir rm cp mv tee date seq column
  paste join comm stat du od tac rev nl fold expr md5sum sha256sum gzip zcat diff"
for t in $tools; do
  p=$(command -v "$t" 2>/dev/null) || { echo "peer-image: $t not found, left out" >&2; continue; }
  case $p in /*) ;; *) continue ;; esac # a shell builtin
  copy "$p"
done
# CPython (the interpreter itself, not a launcher such as pyenv's shim), its standard library
# without third-party packages, and its extension modules, each with its libraries.
exe=$(python3 -c 'import sys; print(sys.executable)')
exe=$(readlink -f "$exe")
copy "$exe"
[ "$exe" = /usr/bin/python3 ] || ln -sf "$exe" "$root/usr/bin/python3"
py=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
mkdir -p "$root$py"
(cd "$py" && tar --exclude=./test --exclude=./site-packages --exclude=__pycache__ \
  --exclude=./idlelib --exclude=./tkinter --exclude=./ensurepip -cf - .) |
  (cd "$root$py" && tar -xf -)
find "$py/lib-dynload" -name '*.so' | while read -r so; do copy "$so"; done
mkdir -p "$root/usr/lib/locale"
[ -d /usr/lib/locale/C.utf8 ] && cp -r /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"
cat > "$ctx/Dockerfile" <<'DOCKER'
FROM scratch
COPY rootfs/ /
ENV PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C.UTF-8
WORKDIR /snapshot
CMD ["sleep", "infinity"]
DOCKER
if ! log=$(docker build -q -t "$tag" "$ctx" 2>&1); then echo "$log" >&2; exit 1; fi
echo "$tag $(docker image inspect -f '{{.Size}}' "$tag")"
