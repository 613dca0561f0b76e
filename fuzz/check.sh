#!/usr/bin/env bash
# Build every fuzz target and run each for a bounded number of runs, starting from the seeds
# and the inputs of past findings (regressions/<target>/, each replayed first).
# Installs cargo-fuzz if missing; needs the nightly toolchain (`rustup toolchain install
# nightly`). Quick enough for CI: RUNS (default 20000) inputs and at most MAX_TIME seconds
# per target.
set -euo pipefail
cd "$(dirname "$0")"
RUNS=${RUNS:-20000}
MAX_TIME=${MAX_TIME:-30}
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
targets=$(cargo +nightly fuzz list)
cargo +nightly fuzz build
for t in $targets; do
  mkdir -p "corpus/$t" "seeds/$t" "regressions/$t"
  echo "== $t"
  cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" "regressions/$t" -- \
    -runs="$RUNS" -max_total_time="$MAX_TIME" -max_len=4096 -timeout=10 2>&1 | tail -n 3
done
echo "fuzz: all targets ran without a crash"
