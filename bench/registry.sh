#!/usr/bin/env bash
# make bench-registry: runs bench/registry_bench on a SQLite file and on a throwaway
# PostgreSQL server (started and stopped here), passing any arguments through.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build}
env=$(mktemp /tmp/tc-bench-pg.XXXXXX.env)
trap '"$here/tests/pg.sh" stop "$env" >/dev/null 2>&1 || true' EXIT
# Benchmarks run PostgreSQL durable (fsync on), as SQLite is (synchronous=FULL).
TC_PG_FSYNC=on "$here/tests/pg.sh" start "$env" >/dev/null
url=$(sed -n "s/^TC_PG_URL='\(.*\)'$/\1/p" "$env")
psql "$url" -qc "CREATE DATABASE bench_registry" >/dev/null
"$build/bench/registry_bench" --pg "${url/\/postgres\?/\/bench_registry?}" "$@"
