#!/usr/bin/env bash
# run.sh [JOBS] [PROCESSES] [CONCURRENCY] — one run of the no-op queue benchmark on a peer.
# Environment: PEER (graphile-worker | pg-boss, default graphile-worker), TUNING (default | tuned),
# DATABASE_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres),
# BENCH_DB (dropped and recreated, default queue_peer_bench). Prints one JSON line.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund >&2
fi
exec node bench.mjs "${1:-2000}" "${2:-4}" "${3:-4}"
