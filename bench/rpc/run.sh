#!/usr/bin/env bash
# XML-RPC throughput and latency of our supervisord against Python's 4.3.0, in one run:
# getState and getAllProcessInfo with $PROGRAMS programs (default 200), over the unix
# socket and TCP, one keep-alive client and four concurrent ones. Prints a table with ratios.
#   bench/rpc/run.sh            # SECONDS_PER=3 PROGRAMS=200 by default
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
N=${PROGRAMS:-200}
SECS=${SECONDS_PER:-3}

bash "$top/.ci/pyenv.sh"
py="$top/target/py/bin/python"
cargo build --quiet --release --manifest-path "$top/Cargo.toml" --bin supervisord
cargo build --quiet --release --manifest-path "$here/Cargo.toml"
bench="$here/target/release/rpc-bench"

work=$(mktemp -d /tmp/rpc-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 200); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

declare -A port
for impl in python ours; do
  d="$work/$impl"; mkdir -p "$d"
  port[$impl]=$(free_port)
  {
    printf '[unix_http_server]\nfile=%s/supervisor.sock\n\n' "$d"
    printf '[inet_http_server]\nport=127.0.0.1:%s\n\n' "${port[$impl]}"
    printf '[supervisord]\nlogfile=%s/supervisord.log\npidfile=%s/supervisord.pid\nchildlogdir=%s\n\n' "$d" "$d" "$d"
    printf '[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n'
    for i in $(seq -w 1 "$N"); do
      printf '[program:p%s]\ncommand=sleep 100000\nstartsecs=0\nstdout_logfile=NONE\nstderr_logfile=NONE\n\n' "$i"
    done
  } > "$d/supervisord.conf"
  if [ "$impl" = python ]; then exe="$top/target/py/bin/supervisord"; else exe="$top/target/release/supervisord"; fi
  (cd "$d" && exec setsid "$exe" -n -c "$d/supervisord.conf" >"$d/out.txt" 2>&1) &
  pids+=($!)
done

# wait (bounded) until every program of both daemons is RUNNING
"$py" - "$work" "$N" "${port[python]}" "${port[ours]}" <<'PY'
import sys, time, xmlrpc.client
work, n = sys.argv[1], int(sys.argv[2])
deadline = time.time() + 120
for port in sys.argv[3:]:
    p = xmlrpc.client.ServerProxy('http://127.0.0.1:%s/RPC2' % port)
    while True:
        try:
            if sum(i['statename'] == 'RUNNING' for i in p.supervisor.getAllProcessInfo()) == n:
                break
        except Exception:
            pass
        if time.time() > deadline:
            sys.exit('daemon on port %s: programs not all RUNNING' % port)
        time.sleep(0.2)
PY

printf '%s programs, %ss per cell, %s\n\n' "$N" "$SECS" "$(date -u +%FT%TZ)"
printf '%-26s %-5s %-7s | %9s %8s | %9s %8s | %7s\n' method via clients "py req/s" "py p99" "our req/s" "our p99" ratio
printf -- '-%.0s' $(seq 94); echo
for method in supervisor.getState supervisor.getAllProcessInfo; do
  for via in unix tcp; do
    for clients in 1 4; do
      declare -A rps p99
      for impl in python ours; do
        if [ "$via" = unix ]; then target=(--unix "$work/$impl/supervisor.sock"); else target=(--tcp "127.0.0.1:${port[$impl]}"); fi
        read -r _n r _p50 p <<<"$("$bench" "${target[@]}" --method "$method" --clients "$clients" --seconds "$SECS")"
        rps[$impl]=$r; p99[$impl]=$p
      done
      ratio=$(awk -v a="${rps[ours]}" -v b="${rps[python]}" 'BEGIN { printf "%.1fx", a / b }')
      printf '%-26s %-5s %-7s | %9s %6.2fms | %9s %6.2fms | %7s\n' "${method#supervisor.}" "$via" "$clients" \
        "${rps[python]}" "$(awk -v x="${p99[python]}" 'BEGIN{print x/1000}')" \
        "${rps[ours]}" "$(awk -v x="${p99[ours]}" 'BEGIN{print x/1000}')" "$ratio"
    done
  done
done
