#!/usr/bin/env bash
# Runs every corpus program and writes gzip -9 snapshots:
#   OUTDIR/NAME-{1,2,3}.heapsnapshot.gz          the tuning set (leaks and controls)
#   OUTDIR/holdout/NAME-{1,2,3}.heapsnapshot.gz  the held-out set
# Usage: scripts/leak-corpus/make.sh OUTDIR [NAME...]   (default: all programs)
# cases.json (the truth) is written by hand and is not touched here.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [NAME...]" >&2; exit 2; }
out="$(mkdir -p "$1" && cd "$1" && pwd)"; shift
mkdir -p "$out/holdout"

TUNING=(sockhub auditlog profilesvc flaggate jobstats uploadspool catalog pricing reportgen pipeline dashboard)
HOLDOUT=(dispatcher addonhost quotaguard)
wanted=("$@")

want() { [ ${#wanted[@]} -eq 0 ] && return 0; local w; for w in "${wanted[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }

run_one() { # dir script name
  local dir="$1" script="$2" name="$3" tmp
  tmp="$(mktemp -d)"
  node "$script" "$tmp"
  for i in 1 2 3; do gzip -9 -n -c "$tmp/$name-$i.heapsnapshot" > "$dir/$name-$i.heapsnapshot.gz"; done
  rm -rf "$tmp"
}

for name in "${TUNING[@]}"; do
  want "$name" || continue
  if [ "$name" = dashboard ]; then
    if [ ! -x /usr/bin/chromium ] || [ ! -d "$here/../../node_modules/playwright-core" ]; then
      echo "[make] skipping dashboard: needs /usr/bin/chromium and playwright-core (scripts/install-tools.sh)" >&2
      continue
    fi
    run_one "$out" "$here/dashboard.mjs" dashboard
  else
    run_one "$out" "$here/$name.js" "$name"
  fi
done
for name in "${HOLDOUT[@]}"; do
  want "$name" || continue
  run_one "$out/holdout" "$here/holdout/$name.js" "$name"
done
ls -l "$out" "$out/holdout" | grep heapsnapshot >&2 || true
