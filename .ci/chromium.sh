#!/bin/sh
# Headless Chromium for the web UI's end-to-end test (tests/webui/browser.rs).
# Idempotent; CI runs as root.
set -e
command -v chromium >/dev/null 2>&1 || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)
