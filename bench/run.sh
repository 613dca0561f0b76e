#!/usr/bin/env bash
# Benchmark: our supervisord vs Python supervisord 4.3, same configs, side by side.
# Not a test; never run by CI. See bench/README.md.
#
#   bash bench/run.sh [bench.py flags...]      e.g. --idle 5 --line-mib 64 --keep
#
# Builds target/release/supervisord, makes sure target/py (Python supervisor 4.3.0) exists,
# compiles bench/writer.c and bench/spawnfloor.c into a temp dir, then runs bench/bench.py and prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# TARGET=x86_64-unknown-linux-musl bash bench/run.sh: measure the static musl build
# (no libc.so/ld.so mapped: the smallest RSS) instead of the default glibc one.
if [ -n "${TARGET:-}" ]; then
    rustup target add "$TARGET" >&2
    cargo build --release --locked --target "$TARGET" --bin supervisord >&2
    ours=$root/target/$TARGET/release/supervisord
else
    cargo build --release --locked --bin supervisord >&2
    ours=$root/target/release/supervisord
fi

py=$root/target/py/bin/supervisord
if [ ! -x "$py" ]; then
    bash .ci/pyenv.sh >&2
fi
pybin=$root/target/py/bin/python3

# 200 children need ~1000 fds in the daemon (2 pipes + AUTO log each); both daemons also
# raise the soft limit to minfds=4096 themselves, this just makes sure the hard one allows it.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
    ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
fi

tmp=$(mktemp -d /tmp/svbench-bin.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/writer" bench/writer.c
cc -O2 -pthread -o "$tmp/spawnfloor" bench/spawnfloor.c

rev=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
git diff --quiet HEAD -- . ':!bench' 2>/dev/null || rev="$rev+uncommitted changes"
echo "[bench] ours: $ours (${TARGET:-default target})" >&2
echo "[bench] $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -sr), checkout $rev, loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# bench.py cleans up its daemons and their children on SIGTERM/SIGINT/SIGHUP: forward them.
"$pybin" bench/bench.py --ours "$ours" --python "$py" --writer "$tmp/writer" --spawnfloor "$tmp/spawnfloor" "$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
rc=0
while :; do
    wait "$child" && rc=0 || rc=$?
    kill -0 "$child" 2>/dev/null || break   # wait returns early when a trapped signal arrives
done
echo "[bench] done $(date -u '+%H:%M UTC'), loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit "$rc"
