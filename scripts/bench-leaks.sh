#!/usr/bin/env bash
# `heapscope leaks` over three ~SIZE MB snapshots of one growing process against one `heapscope summary` of the
# largest, RUNS times each: wall time, the ratio, and peak memory against the largest file. The snapshots
# are made once with node (scripts/gen-large-snapshot.js … series). Usage: scripts/bench-leaks.sh [SIZE_MB] [RUNS]
set -euo pipefail
[ -x /usr/bin/time ] || { echo "bench-leaks needs GNU time for peak memory: sudo apt-get install time" >&2; exit 2; }
size_mb=${1:-300}
runs=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/heapscope-bench}
series=("$dir/large-${size_mb}mb-1.heapsnapshot" "$dir/large-${size_mb}mb-2.heapsnapshot" "$dir/large-${size_mb}mb-3.heapsnapshot")
if [ ! -s "${series[2]}" ]; then
  mkdir -p "$dir"
  heap=$(( size_mb * 12 + 2048 ))
  echo "making ${series[*]} (node, --max-old-space-size=$heap)…" >&2
  node --max-old-space-size="$heap" "$here/scripts/gen-large-snapshot.js" "$dir" "$size_mb" series >&2
fi
cargo build --release --quiet --bin heapscope --manifest-path "$here/Cargo.toml"
heapscope=$here/target/release/heapscope
bytes=$(stat -c %s "${series[2]}")
cat "${series[@]}" > /dev/null
measure() { /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" > /dev/null; cat "$dir/time.txt"; }
for run in $(seq "$runs"); do
  read -r summary_s summary_kib < <(measure "$heapscope" summary --json "${series[2]}")
  read -r leaks_s leaks_kib < <(measure "$heapscope" leaks --json "${series[@]}")
  awk -v run="$run" -v b="$bytes" -v ss="$summary_s" -v sk="$summary_kib" -v ls="$leaks_s" -v lk="$leaks_kib" 'BEGIN {
    printf "run %d: summary %.2f s, peak %.0f MiB (%.2f x file) | leaks of 3: %.2f s = %.2f x summary, peak %.0f MiB (%.2f x largest file)\n",
      run, ss, sk / 1024, sk * 1024 / b, ls, ls / ss, lk / 1024, lk * 1024 / b }'
done
"$heapscope" leaks "${series[@]}" | head -4
