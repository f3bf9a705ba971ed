#!/usr/bin/env bash
# make bench-enterprise: issue 19's benchmark, ours on one core beside SQLite and
# PostgreSQL on the same data in one run (bench/enterprise_bench.cc says what each
# measure is).
#   1. full matching of every enterprise (1.365 M at --scale 1.0) against 100 typical
#      policies (goal < 2 s), with the benefit amounts summed;
#   2. one enterprise's facts changed and re-matched (goal < 1 ms), and the service's
#      Enterprises::Update end to end on SQLite;
#   3. the resumption dashboard by industry, district and size (goal < 100 ms);
#   each against the same question in SQL on both stores (goal >= 10x the better one),
#   answers compared: a mismatch fails the run.
# The enterprises are generated (with a 14-day resumption wave) once into a copy of the
# city at --scale (given by --city FILE, else build/bench-tracing/city-1.db or
# build/bench-hotline/city-<scale>.db when there, else `tongchou gen city`), kept in
# build/bench-enterprise; PostgreSQL is a throwaway server holding a copy of the tables.
# Options: --city FILE, --runs N, --peer-runs N, --incremental N, --updates N, --no-pg.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
scale=1.0 city= pg=1 run_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --city) city=$2; shift 2 ;;
    --runs|--peer-runs|--incremental|--peer-incremental|--updates) run_args+=("$1" "$2"); shift 2 ;;
    --no-pg) pg=0; shift ;;
    *) echo "enterprise.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
work=$build/bench-enterprise
mkdir -p "$work"
db=$work/enterprises-$scale.db
if [ ! -f "$db" ]; then
  if [ -z "$city" ]; then
    for f in "$build/bench-hotline/city-$scale.db" "$build/bench-tracing/city-$scale.db"; do
      [ -f "$f" ] && city=$f && break
    done
    if [ -z "$city" ] && [ "$scale" = 1.0 ] && [ -f "$build/bench-tracing/city-1.db" ]; then city=$build/bench-tracing/city-1.db; fi
  fi
  if [ -n "$city" ]; then
    cp --reflink=auto "$city" "$db.tmp"  # a copy: the city itself is never modified
  else
    rm -f "$db.tmp"
    "$build/tongchou" gen city --db "sqlite:$db.tmp" --scale "$scale" --quiet >&2
  fi
  mv "$db.tmp" "$db"
fi
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)"
echo "== data: $db (scale $scale)"
"$build/bench/enterprise_bench" prepare --db "sqlite:$db" --scale "$scale"
pg_args=()
if [ "$pg" = 1 ]; then
  source "$root/bench/pg.sh" bench_enterprise
  "$build/bench/enterprise_bench" copy --sqlite "sqlite:$db" --pg "$bench_pg_url"
  psql "$bench_pg_url" -qc "VACUUM ANALYZE enterprises" -c "VACUUM ANALYZE facts" >/dev/null
  pg_args=(--pg "$bench_pg_url")
fi
"$build/bench/enterprise_bench" run --sqlite "sqlite:$db" "${pg_args[@]}" --policies-out "$work/policies.tsv" \
  "${run_args[@]}"
