#!/usr/bin/env bash
# make bench-healthcode: the health-code engine and its live status lookups, side by
# side with Redis and PostgreSQL, on the same machine in one run.
#   1. bench/healthcode_bench on a copy of the city: engine load, full recompute,
#      incremental updates, sign and verify rates (one core).
#   2. HTTP: `tongchou serve` on that copy; `wrk` asks GET /api/v1/healthcode/status/
#      {token} with keep-alive over CONNECTIONS connections (a checkpoint_staff login),
#      random residents' tokens.
#   3. Redis: GET of a short value by key among 1 M keys (`redis-benchmark`, the same
#      connections, no pipelining).
#   4. PostgreSQL: a primary-key SELECT of a 1 M-row table (`pgbench`, a custom script,
#      prepared statements, the same connections).
# Every server and load generator shares the machine's cores, as ours does.
#
# Options: --scale S (generate the city at S once, default 1.0) | --city FILE (a city
# database made by `tongchou gen city`), --seconds N (each HTTP phase, default 15),
# --connections N (default 64), --no-http (the engine half only).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
scale=1.0 city="" seconds=15 conns=64 http=1
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --city) city=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) conns=$2; shift 2 ;;
    --no-http) http=0; shift ;;
    *) echo "healthcode.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
"$root/scripts/install-deps.sh" wrk redis-server redis-tools sqlite3 curl
work=$build/bench-healthcode
mkdir -p "$work"
if [ -z "$city" ]; then
  city=$work/city-$scale.db
  [ -f "$city" ] || "$build/tongchou" gen city --db "sqlite:$city" --scale "$scale" --quiet
fi
run=$work/run.db
rm -f "$run" "$run-wal" "$run-shm"
cp --reflink=auto "$city" "$run"
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo); city $city"
echo "== engine"
"$build/bench/healthcode_bench" --db "sqlite:$run" --tokens "$work/tokens.txt"
[ "$http" = 1 ] || exit 0

echo "== HTTP status lookups: $conns connections, ${seconds}s each"
city_code=$(sqlite3 "$run" "SELECT code FROM areas WHERE parent_code IS NULL OR parent_code = '' LIMIT 1")
printf 'bench-password-1\n' | "$build/tongchou" admin create-user --db "sqlite:$run" --username gate-bench \
  --display-name 'bench gate' --role checkpoint_staff --area "$city_code" --password-stdin >/dev/null
"$build/tongchou" serve --db "sqlite:$run" --listen 127.0.0.1:0 --threads 2 --access-log off --log-level warn \
  --web '' >"$work/serve.out" 2>"$work/serve.err" &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  [ -f "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
}
trap cleanup EXIT
# The server prints its address once the engines are loaded (a minute at full scale).
for _ in $(seq 1 1800); do
  grep -q '^tongchou listening on' "$work/serve.out" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.err" >&2; exit 1; }
  sleep 0.2
done
url=$(sed -n 's/^tongchou listening on \(http:[^ ]*\)$/\1/p' "$work/serve.out")
token=$(curl -sf -X POST "$url/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"gate-bench","password":"bench-password-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
cat >"$work/status.lua" <<'LUA'
local tokens = {}
for line in io.lines(os.getenv("TC_TOKENS")) do tokens[#tokens + 1] = line end
local auth = "Bearer " .. os.getenv("TC_AUTH")
local i = math.random(#tokens)
request = function()
  i = i % #tokens + 1
  return wrk.format("GET", "/api/v1/healthcode/status/" .. tokens[i], {["Authorization"] = auth})
end
LUA
curl -sf -H "Authorization: Bearer $token" "$url/api/v1/healthcode/status/$(head -1 "$work/tokens.txt")" >/dev/null \
  || { echo "healthcode.sh: the status endpoint does not answer" >&2; exit 1; }
TC_TOKENS=$work/tokens.txt TC_AUTH=$token wrk -t2 -c"$conns" -d"${seconds}s" --latency -s "$work/status.lua" "$url" \
  >"$work/wrk.txt"
ours=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")
ours_p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
ours_p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
errors=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt")
kill "$server"; wait "$server" 2>/dev/null || true

# Redis: the same lookup as a key GET.
rport=$((20000 + RANDOM % 20000))
redis-server --port "$rport" --save '' --appendonly no --daemonize yes --pidfile "$work/redis.pid" \
  --logfile "$work/redis.log" --dir "$work"
for _ in $(seq 1 100); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.1; done
awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "SET hc:%012d green\r\n", i }' | redis-cli -p "$rport" --pipe >/dev/null
redis_n=$((seconds * 120000))
redis-benchmark -p "$rport" -c "$conns" -n "$redis_n" -r 1000000 --threads 2 -q GET 'hc:__rand_int__' >"$work/redis.txt" 2>&1
redis_rps=$(tr '\r' '\n' <"$work/redis.txt" | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -1)
redis_p50=$(tr '\r' '\n' <"$work/redis.txt" | sed -n 's/.*p50=\([0-9.]*\) msec.*/\1ms/p' | tail -1)
kill "$(cat "$work/redis.pid")"; rm -f "$work/redis.pid"

# PostgreSQL: a primary-key SELECT.
source "$root/bench/pg.sh" bench_healthcode
psql "$bench_pg_url" -q <<'SQL'
CREATE TABLE hc_status (id BIGINT PRIMARY KEY, colour TEXT NOT NULL);
INSERT INTO hc_status SELECT g, 'green' FROM generate_series(1, 1000000) g;
VACUUM ANALYZE hc_status;
SQL
printf '\\set id random(1, 1000000)\nSELECT colour FROM hc_status WHERE id = :id;\n' >"$work/pgbench.sql"
pgbench -n -M prepared -c "$conns" -j 2 -T "$seconds" -f "$work/pgbench.sql" "$bench_pg_url" >"$work/pgbench.txt" 2>&1
pg_tps=$(awk '/^tps = / {print $3; exit}' "$work/pgbench.txt")
pg_lat=$(awk '/^latency average/ {print $4 $5}' "$work/pgbench.txt")

echo "ours  (HTTP GET /healthcode/status, wrk):  ${ours} req/s  p50 ${ours_p50}  p99 ${ours_p99}  non-2xx ${errors:-0}"
echo "redis (GET, redis-benchmark):              ${redis_rps} req/s  p50 ${redis_p50}"
echo "pg    (PK SELECT, pgbench -M prepared):    ${pg_tps} tps  latency avg ${pg_lat}"
awk -v o="$ours" -v r="$redis_rps" -v p="$pg_tps" 'BEGIN {
  printf "ratio: ours / redis = %.2f (goal >= 0.5); ours / pg = %.2f (goal >= 5)\n", o / r, o / p }'
