#!/usr/bin/env bash
# Regenerates the bundled snapshots from the real ITBench specs in data/itbench.
# tests: runtime/tests/snapshots.rs regenerates each one and compares the content hash.
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIOS="2 3 16 17 18 20 21 23 25 27 30 31 33 34 35 36 38 40 45 46 47 49 50 52 63 81 105 114"
cargo build --release --quiet
for n in $SCENARIOS; do
  rm -rf "snapshots/Scenario-$n"
  ./target/release/rcabox snapshot generate --scenario "$n" --seed 1 --scale 0.3 "snapshots/Scenario-$n"
done
