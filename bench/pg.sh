# Sourced by the bench scripts: starts a throwaway durable PostgreSQL server (stopped
# on exit) with an empty database named $1, and sets $bench_pg_url to its URL.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_pg_env=$(mktemp /tmp/tc-bench-pg.XXXXXX.env)
trap '"$here/tests/pg.sh" stop "$bench_pg_env" >/dev/null 2>&1 || true' EXIT
# Benchmarks run PostgreSQL durable (fsync on), as SQLite is (synchronous=FULL).
TC_PG_FSYNC=on "$here/tests/pg.sh" start "$bench_pg_env" >/dev/null
bench_pg_url=$(sed -n "s/^TC_PG_URL='\(.*\)'$/\1/p" "$bench_pg_env")
psql "$bench_pg_url" -qc "CREATE DATABASE $1" >/dev/null
bench_pg_url=${bench_pg_url/\/postgres\?/\/$1?}
