#!/usr/bin/env bash
# make bench-testing: runs bench/testing_bench with a throwaway durable PostgreSQL
# server (started and stopped here, with room for the 500 concurrent connections of
# phase 2) as one of the peers, passing any arguments through. The tongchou binary
# next to the bench (build/tongchou) is the server of phase 2.
set -euo pipefail
build=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
export TC_PG_MAX_CONNECTIONS=${TC_PG_MAX_CONNECTIONS:-600}
source "$(dirname "$0")/pg.sh" bench_testing
"$build/bench/testing_bench" --work "$build/bench-testing" --pg "$bench_pg_url" --tongchou "$build/tongchou" "$@"
