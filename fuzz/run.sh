#!/usr/bin/env bash
# Long fuzzing sessions: fuzz/run.sh [SECONDS] [targets...]
#
# Builds every target once, copies the binaries aside (a rebuild during the session does not
# disturb it), then runs each named target (default: all) for SECONDS (default 600) or RUNS
# executions, whichever comes first, keeping its corpus in corpus/<target>/ (git-ignored) and
# starting from seeds/<target>/ and regressions/<target>/. JOBS (default 1) targets run at
# once. Each run logs to $LOGDIR/fuzz-<target>.log (default /tmp); the last lines of each
# log (libFuzzer's final stats: executions, exec/s, cov, ft, corpus) are printed at the end.
# A crash leaves its input in artifacts/<target>/ and makes the script exit non-zero.
#
# SANITIZER (default none) is cargo-fuzz's `-s`: the fuzzed crates deny `unsafe_code`, so
# AddressSanitizer finds nothing there and costs 2-3x the executions (check.sh keeps it on).
# Builds without it go to target/nosan/ so they do not evict check.sh's ASan build.
# TRACE_COMPARES=no builds without LLVM's trace-compares instrumentation (cargo-fuzz
# --no-trace-compares, into target/nosan-ntc/): coarser guidance for the mutator, but
# core_trace spends more than half its time in the __sanitizer_cov_trace_*cmp* hooks
# (~400 -> ~2000 exec/s).
#
#   fuzz/run.sh 3600 config_text core_trace       # an hour each
#   RUNS=10000000 JOBS=2 fuzz/run.sh 7200         # 10M executions each, two at a time
#   MAX_LEN=8192 fuzz/run.sh 60 http_request      # longer inputs
#   RUNS=10000000 TRACE_COMPARES=no fuzz/run.sh 7200 core_trace
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${1:-600}
shift || true
RUNS=${RUNS:--1}
JOBS=${JOBS:-1}
MAX_LEN=${MAX_LEN:-4096}
LOGDIR=${LOGDIR:-/tmp}
if [ $# -gt 0 ]; then targets="$*"; else targets=$(cargo +nightly fuzz list); fi
SANITIZER=${SANITIZER:-none}
if [ "$SANITIZER" = address ]; then tdir=target; else tdir=target/nosan; fi
build_flags=()
if [ "${TRACE_COMPARES:-yes}" = no ]; then
  build_flags+=(--no-trace-compares)
  tdir=$tdir-ntc
fi
cargo +nightly fuzz build -s "$SANITIZER" "${build_flags[@]}" --target-dir "$tdir"
bin=$(mktemp -d /tmp/fuzz-bin.XXXXXX)
for t in $targets; do
  cp "$tdir/x86_64-unknown-linux-gnu/release/$t" "$bin/$t"
done

run_one() {
  local t=$1
  mkdir -p "corpus/$t" "seeds/$t" "regressions/$t" "artifacts/$t"
  local log="$LOGDIR/fuzz-$t.log"
  echo "== $t: ${SECONDS_EACH}s, runs $RUNS, log $log"
  "$bin/$t" "corpus/$t" "seeds/$t" "regressions/$t" \
    -runs="$RUNS" -max_total_time="$SECONDS_EACH" -max_len="$MAX_LEN" -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"$log" 2>&1
}

status=0
pids=()
names=()
for t in $targets; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do sleep 1; done
  run_one "$t" &
  pids+=($!)
  names+=("$t")
done
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    echo "!! ${names[$i]} failed: see $LOGDIR/fuzz-${names[$i]}.log and artifacts/${names[$i]}/" >&2
    status=1
  fi
done
for t in $targets; do
  echo "== $t"
  grep -E '^(#[0-9]+.*(DONE|pulse|NEW|REDUCE)|stat::|Done )' "$LOGDIR/fuzz-$t.log" | grep -Ev 'NEW|REDUCE|pulse' | tail -n 12 || true
done
rm -rf "$bin"
exit $status
