#!/usr/bin/env bash
# make bench-tracing: runs bench/tracing_bench with a throwaway PostgreSQL server
# (started and stopped here) as one of the peers, passing any arguments through.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build}
env=$(mktemp /tmp/tc-bench-pg.XXXXXX.env)
trap '"$here/tests/pg.sh" stop "$env" >/dev/null 2>&1 || true' EXIT
# Durable PostgreSQL (fsync on), as SQLite is (synchronous=FULL).
TC_PG_FSYNC=on "$here/tests/pg.sh" start "$env" >/dev/null
url=$(sed -n "s/^TC_PG_URL='\(.*\)'$/\1/p" "$env")
psql "$url" -qc "CREATE DATABASE bench_tracing" >/dev/null
"$build/bench/tracing_bench" --work "$build/bench-tracing" --pg "${url/\/postgres\?/\/bench_tracing?}" "$@"
