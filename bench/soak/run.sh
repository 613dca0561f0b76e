#!/usr/bin/env bash
# Soak benchmark: SOAK_SECS (default 1800) of mixed load against our supervisord, sampling
# its RSS and open fds; verdicts at the end. Not a test; never run by CI.
# See bench/soak/README.md.
#
#   bash bench/soak/run.sh [soak.py flags...]          e.g. SOAK_SECS=120 bash bench/soak/run.sh
#   SOAK_IMPL=python bash bench/soak/run.sh            the same load under Python supervisord 4.3.0
#
# Env: SOAK_SECS (1800), SOAK_WARMUP (min(120, SOAK_SECS/4)), SOAK_IMPL (ours|python),
#      SOAK_DIR (work dir, default /tmp/soak-<impl>; recreated), SOAK_EXE (daemon to run;
#      default: a copy of target/release/supervisord taken after the build, so later builds
#      by others do not change the binary under the run).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
impl=${SOAK_IMPL:-ours}
dir=${SOAK_DIR:-/tmp/soak-$impl}

if [ ! -x target/py/bin/python3 ]; then
    bash .ci/pyenv.sh >&2
fi
pybin=$root/target/py/bin/python3

bin=$(mktemp -d /tmp/soak-bin.XXXXXX)
trap 'rm -rf "$bin"' EXIT
cc -O2 -o "$bin/soakchild" bench/soak/soakchild.c

rev=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
git diff --quiet HEAD -- . ':!bench' 2>/dev/null || rev="$rev+uncommitted changes"
if [ "$impl" = ours ]; then
    if [ -z "${SOAK_EXE:-}" ]; then
        cargo build --release --locked --bin supervisord >&2
        cp target/release/supervisord "$bin/supervisord"
        exe=$bin/supervisord
    else
        exe=$SOAK_EXE
    fi
else
    exe=${SOAK_EXE:-$root/target/py/bin/supervisord}
fi
echo "[soak] $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -sr), checkout $rev, impl $impl, loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >&2

"$pybin" bench/soak/soak.py run --impl "$impl" --exe "$exe" --child "$bin/soakchild" --dir "$dir" "$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
rc=0
while :; do
    wait "$child" && rc=0 || rc=$?
    kill -0 "$child" 2>/dev/null || break
done
echo "[soak] done $(date -u '+%H:%M UTC'), checkout $rev, loadavg $(cut -d' ' -f1-3 /proc/loadavg); files in $dir" >&2
exit "$rc"
