#!/usr/bin/env bash
# matrix.sh [REPEATS] [JOBS] [CONCURRENCY] [PROCESS COUNTS...] — every peer configuration at every
# process count, REPEATS times (defaults 3, 2000, 4, "1 2 4"), interleaved so that a change of
# machine load hits all configurations alike. Appends the JSON lines to results/<UTC date>.jsonl
# and prints the medians (summarize.mjs).
set -euo pipefail
cd "$(dirname "$0")"
repeats=${1:-3}; jobs=${2:-2000}; concurrency=${3:-4}; shift $(( $# < 3 ? $# : 3 ))
counts=("$@"); [ ${#counts[@]} -gt 0 ] || counts=(1 2 4)
configs=${CONFIGS:-"graphile-worker:default graphile-worker:tuned pg-boss:tuned"}
mkdir -p results
out=results/$(date -u +%F).jsonl
for rep in $(seq "$repeats"); do
  for p in "${counts[@]}"; do
    for cfg in $configs; do
      echo "rep $rep, $cfg, $p × $concurrency: $(uptime)" >&2
      PEER=${cfg%%:*} TUNING=${cfg#*:} ./run.sh "$jobs" "$p" "$concurrency" | tee -a "$out"
    done
  done
done
node summarize.mjs "$out"
