#!/usr/bin/env bash
# make bench-tracing: runs bench/tracing_bench with a throwaway PostgreSQL server
# (started and stopped here) as one of the peers, passing any arguments through.
set -euo pipefail
build=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
source "$(dirname "$0")/pg.sh" bench_tracing
"$build/bench/tracing_bench" --work "$build/bench-tracing" --pg "$bench_pg_url" "$@"
