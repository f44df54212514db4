#!/usr/bin/env bash
# The README's large-snapshot benchmark in one command: makes a generated snapshot of about SIZE_MB with node
# (once; kept in $BENCH_DIR), then times `heapscope summary --json` on it RUNS times, one run after another,
# and prints each run's wall time, speed in MB/s and peak memory against the file size.
# Usage: scripts/bench-big.sh [SIZE_MB=300] [RUNS=5]       (run from the repository; builds the CLI first)
set -euo pipefail
[ -x /usr/bin/time ] || { echo "bench-big needs GNU time for peak memory: sudo apt-get install time" >&2; exit 2; }
size_mb=${1:-300}
runs=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/heapscope-bench}
snapshot=$dir/large-${size_mb}mb.heapsnapshot
if [ ! -s "$snapshot" ]; then
  mkdir -p "$dir"
  heap=$(( size_mb * 12 + 2048 ))
  echo "making $snapshot (node, --max-old-space-size=$heap)…" >&2
  node --max-old-space-size="$heap" "$here/scripts/gen-large-snapshot.js" "$dir" "$size_mb" >&2
fi
cargo build --release --quiet --bin heapscope --manifest-path "$here/Cargo.toml"
heapscope=$here/target/release/heapscope
bytes=$(stat -c %s "$snapshot")
# Read the file once, so the first run does not also pay for bringing its pages back into memory.
cat "$snapshot" > /dev/null
for run in $(seq "$runs"); do
  /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$heapscope" summary --json "$snapshot" > /dev/null
  read -r seconds peak_kib < "$dir/time.txt"
  awk -v run="$run" -v b="$bytes" -v s="$seconds" -v k="$peak_kib" 'BEGIN {
    printf "run %d: %.1f MB in %.2f s = %.0f MB/s, peak %.0f MiB (%.2f x file)\n",
      run, b / 1e6, s, b / 1e6 / (s > 0 ? s : 0.001), k / 1024, k * 1024 / b }'
done
