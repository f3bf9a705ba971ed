#!/usr/bin/env bash
# make bench-quarantine: issue 20's benchmark at Xinfadi scale (316,000 contacts at
# --scale 1.0), ours on one core beside SQLite and PostgreSQL in one run
# (bench/quarantine_bench.cc says what each measure is):
#   1. quarantine::Assign of every contact to the city's hotel rooms (goal < 5 s) and
#      Validate, the answer checked (double-booked rooms, mixed households, beds and
#      capacity, a household at one site, a child alone: any violation fails the run);
#   2. the day's health-check list (quarantine/board.h CheckList, goal < 200 ms);
#   3. the open-loop report over a realistic mix of states (OpenLoop, goal < 200 ms);
#   4. livelihood::CallLists for the whole city's special-care roster;
#   each against the same in SQL on both stores (goal >= 10x the better one), answers
#   compared: a mismatch fails the run.
# The contacts and the roster come from a copy of the full generated city (--city FILE,
# else build/bench-tracing/city-1.db or build/bench-enterprise/… when there, else
# `tongchou gen city --scale 1`), kept in build/bench-quarantine; the city itself is
# never modified. PostgreSQL is a throwaway server.
# Options: --scale S, --city FILE, --runs N, --peer-runs N, --peer-assign-runs N,
# --peer-assign-budget SECONDS (a peer's assignment loop stopped there: a lower bound), --no-pg.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
scale=1.0 city= pg=1 run_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --city) city=$2; shift 2 ;;
    --runs|--peer-runs|--peer-assign-runs|--peer-assign-budget) run_args+=("$1" "$2"); shift 2 ;;
    --no-pg) pg=0; shift ;;
    *) echo "quarantine.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
work=$build/bench-quarantine
mkdir -p "$work"
db=$work/city-1.db
if [ ! -f "$db" ]; then
  if [ -z "$city" ]; then
    for f in "$build/bench-tracing/city-1.db" "$build/bench-hotline/city-1.0.db"; do
      [ -f "$f" ] && city=$f && break
    done
  fi
  if [ -n "$city" ]; then
    cp --reflink=auto "$city" "$db.tmp"  # a copy: the city itself is never modified
  else
    rm -f "$db.tmp"
    "$build/tongchou" gen city --db "sqlite:$db.tmp" --scale 1 --quiet >&2
  fi
  mv "$db.tmp" "$db"
fi
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)"
echo "== data: $db (the full city; contacts at scale $scale)"
pg_args=()
if [ "$pg" = 1 ]; then
  source "$root/bench/pg.sh" bench_quarantine
  pg_args=(--pg "$bench_pg_url")
fi
"$build/bench/quarantine_bench" --city "sqlite:$db" "${pg_args[@]}" --scale "$scale" "${run_args[@]}"
