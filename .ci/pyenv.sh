#!/usr/bin/env bash
# Creates target/py: a Python venv with the original Supervisor 4.3.0 and superlance,
# used by the interop tests and by the scripts that record fixtures from the original.
# Idempotent: a venv that already has the right version is left alone.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
venv="$top/target/py"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import supervisor.options, superlance; from importlib.metadata import version; assert version("supervisor") == "4.3.0"' 2>/dev/null; then
  exit 0
fi
mkdir -p "$top/target"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check 'supervisor==4.3.0' superlance
