#!/usr/bin/env bash
# make bench-registry: runs bench/registry_bench on a SQLite file and on a throwaway
# PostgreSQL server (started and stopped here), passing any arguments through.
set -euo pipefail
build=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
source "$(dirname "$0")/pg.sh" bench_registry
"$build/bench/registry_bench" --pg "$bench_pg_url" "$@"
