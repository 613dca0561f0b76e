#!/usr/bin/env bash
# Load benchmark: XML-RPC latency of our supervisord vs Python supervisord 4.3.0 while
# 1000 programs crash-loop, and while 1000 connections stall mid-request. Not a test;
# never run by CI. See bench/load/README.md.
#
#   bash bench/load/run.sh [load.py flags...]   e.g. --programs 500 --seconds 5 --only crash
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top"

cargo build --quiet --release --locked --bin supervisord >&2
cargo build --quiet --release --manifest-path bench/rpc/Cargo.toml >&2
[ -x target/py/bin/supervisord ] || bash .ci/pyenv.sh >&2

# 1000 children need ~4000 descriptors in our daemon (3 pipes and a pidfd each) and
# 1000 stalled connections ~1000 in each daemon and in this script: both daemons raise
# their soft limit to minfds themselves; make sure the hard limit allows it.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 16384 ]; then
    ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
fi

rev=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
git diff --quiet HEAD -- . ':!bench' 2>/dev/null || rev="$rev+uncommitted changes"
echo "[load] $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -sr), checkout $rev, loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >&2
target/py/bin/python3 "$here/load.py" --ours "$top/target/release/supervisord" \
    --python "$top/target/py/bin/supervisord" --rpc-bench "$top/bench/rpc/target/release/rpc-bench" "$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
rc=0
while :; do
    wait "$child" && rc=0 || rc=$?
    kill -0 "$child" 2>/dev/null || break
done
echo "[load] done $(date -u '+%H:%M UTC'), loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit "$rc"
