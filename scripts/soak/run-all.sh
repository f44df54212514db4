#!/bin/sh
# Runs every run of runs.json (or the names given), $SOAK_JOBS at a time (default 5), at low priority.
# The runs take wall time (3-7 minutes each), not much CPU.
set -eu
cd "$(dirname "$0")"
[ -d node_modules/prom-client ] || npm ci --no-audit --no-fund
jobs=${SOAK_JOBS:-5}
if [ $# -eq 0 ]; then
  set -- $(node -e 'for (const r of require("./runs.json")) console.log(r.name)')
fi
printf '%s\n' "$@" | xargs -P "$jobs" -I{} nice -n 10 node run.js {}
