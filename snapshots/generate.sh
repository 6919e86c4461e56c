#!/usr/bin/env bash
# Regenerates the bundled snapshots from the real ITBench specs in data/itbench and rewrites the
# content hashes pinned in snapshots/bundle.json: run it after an intended change to the
# generator, and commit bundle.json. The snapshots themselves are not committed; `rcabox run`
# (or `rcabox snapshot bundle`) writes them from the recipe on first use.
# tests: runtime/tests/snapshots.rs materializes the set into a temporary folder and checks it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
./target/release/rcabox snapshot bundle --update
