#!/usr/bin/env bash
# make bench-hotline: the 12345 hotline, three measures in one run on this machine.
#   1. route: normalise + classify + resolve a noisy address per core, on the city at
#      --scale (default 1.0, the full 9.07 M-resident city; goal >= 2,000/s).
#   2. intake over HTTP: `tongchou serve` on a copy of a --http-scale city (default
#      0.05); wrk POSTs /api/v1/hotline/requests from --connections agents (default 32)
#      for --seconds (default 20), varied texts and noisy addresses; p50/p99 (goal p99
#      < 50 ms).
#   3. dashboard: a year of Beijing-scale volume (--per-day, default 58,700 a day ×
#      365 ≈ 21.4 M requests; `tongchou gen hotline --no-log`) on a --dash-scale city
#      (default 0.1) in SQLite and in PostgreSQL; the three rates and rankings from the
#      hotline's counters vs a plain SQL GROUP BY on each store (goal < 100 ms and
#      >= 10x the better peer).
# Options: --no-http, --no-dashboard, --days N (the dashboard's days, default 365).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
scale=1.0 http_scale=0.05 dash_scale=0.1 seconds=20 conns=32 per_day=58700 days=365 http=1 dash=1
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --http-scale) http_scale=$2; shift 2 ;;
    --dash-scale) dash_scale=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) conns=$2; shift 2 ;;
    --per-day) per_day=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --no-http) http=0; shift ;;
    --no-dashboard) dash=0; shift ;;
    *) echo "hotline.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
"$root/scripts/install-deps.sh" wrk sqlite3 curl
work=$build/bench-hotline
mkdir -p "$work"
city_at() {  # a generated city at scale $1, made once
  local f=$work/city-$1.db
  if [ ! -f "$f" ]; then
    if [ "$1" = 1.0 ] && [ -f "$build/bench-tracing/city-1.db" ]; then f=$build/bench-tracing/city-1.db
    else "$build/tongchou" gen city --db "sqlite:$f" --scale "$1" --quiet >&2; fi
  fi
  echo "$f"
}
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)"
echo "== 1. route (city scale $scale)"
"$build/bench/hotline_bench" route --db "sqlite:$(city_at "$scale")" --n 20000 --runs 5

if [ "$http" = 1 ]; then
  echo "== 2. intake over HTTP: $conns agents, ${seconds}s (city scale $http_scale)"
  run=$work/http.db
  rm -f "$run" "$run-wal" "$run-shm"
  cp --reflink=auto "$(city_at "$http_scale")" "$run"
  city_code=$(sqlite3 "$run" "SELECT code FROM areas WHERE parent_code IS NULL OR parent_code = '' LIMIT 1")
  printf 'bench-password-1\n' | "$build/tongchou" admin create-user --db "sqlite:$run" --username agent-bench \
    --display-name 'bench agent' --role hotline_agent --area "$city_code" --password-stdin >/dev/null
  "$build/tongchou" serve --db "sqlite:$run" --listen 127.0.0.1:0 --threads 2 --access-log off --log-level warn \
    --web '' >"$work/serve.out" 2>"$work/serve.err" &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 1 1800); do
    grep -q '^tongchou listening on' "$work/serve.out" 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.err" >&2; exit 1; }
    sleep 0.2
  done
  url=$(sed -n 's/^tongchou listening on \(http:[^ ]*\)$/\1/p' "$work/serve.out")
  token=$(curl -sf -X POST "$url/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"agent-bench","password":"bench-password-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  # Request bodies: held-out-style texts from the corpus with addresses of this city.
  python3 - "$run" "$root/src/hotline/data/corpus" >"$work/bodies.txt" <<'PY'
import json, os, random, sqlite3, sys
random.seed(3)
db, corpus = sys.argv[1], sys.argv[2]
texts = []
for f in sorted(os.listdir(corpus)):
    with open(os.path.join(corpus, f), encoding='utf-8') as fh:
        texts += [l.strip() for l in fh if l.strip()]
c = sqlite3.connect(db)
places = [r[0] + r[1] for r in c.execute(
    "SELECT p.name, a.name FROM areas a JOIN areas p ON p.code = a.parent_code WHERE a.level = 'building' "
    "ORDER BY random() LIMIT 5000")]
for i in range(5000):
    body = {"caller_name": "市民", "phone": "139%08d" % random.randrange(10**8), "text": random.choice(texts),
            "address": random.choice(places) + "%d单元" % random.randint(1, 3)}
    print(json.dumps(body, ensure_ascii=False))
PY
  cat >"$work/intake.lua" <<'LUA'
local bodies = {}
for line in io.lines(os.getenv("TC_BODIES")) do bodies[#bodies + 1] = line end
local auth = "Bearer " .. os.getenv("TC_AUTH")
local i = math.random(#bodies)
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/api/v1/hotline/requests", {["Authorization"] = auth, ["Content-Type"] = "application/json"}, bodies[i])
end
LUA
  curl -sf -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data-binary "$(head -1 "$work/bodies.txt")" "$url/api/v1/hotline/requests" >/dev/null \
    || { echo "hotline.sh: intake does not answer" >&2; exit 1; }
  port=${url##*:}; port=${port%/}
  # Agents at a steady pace (4 intakes a second each: ~100x Beijing's average load per
  # agent seat), latency from when each request was due.
  "$build/bench/hotline_bench" intake --port "$port" --token "$token" --bodies "$work/bodies.txt" \
    --agents "$conns" --rate 4 --seconds "$seconds"
  # Then saturated: wrk's closed loop, as fast as the server answers (the capacity).
  TC_BODIES=$work/bodies.txt TC_AUTH=$token wrk -t2 -c"$conns" -d"${seconds}s" --latency -s "$work/intake.lua" "$url" \
    >"$work/wrk.txt"
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  errors=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt")
  stored=$(sqlite3 "$run" "SELECT COUNT(*), SUM(status = 'dispatched'), SUM(status = 'pending_dispatch') FROM hotline_requests")
  echo "saturated (wrk closed loop, $conns connections): ${rps} req/s  p50 ${p50}  p99 ${p99}  non-2xx ${errors:-0}"
  echo "stored (all | dispatched | manual): $stored"
  kill "$server"; wait "$server" 2>/dev/null || true
  trap - EXIT
  rm -f "$run" "$run-wal" "$run-shm"
fi

if [ "$dash" = 1 ]; then
  echo "== 3. dashboard: $days days x $per_day requests a day (city scale $dash_scale)"
  end=$(date -d 'yesterday' +%F)
  from=$(date -d "$end - $((days - 1)) days" +%F)
  month=$(date -d "$end" +%Y-%m)
  dsq=$work/dash.db
  if [ ! -f "$dsq.done-$days-$per_day" ]; then
    rm -f "$dsq" "$dsq-wal" "$dsq-shm" "$dsq".done-*
    cp --reflink=auto "$(city_at "$dash_scale")" "$dsq"
    "$build/tongchou" gen hotline --db "sqlite:$dsq" --days "$days" --end-date "$end" --per-day "$per_day" --no-log
    touch "$dsq.done-$days-$per_day"
  fi
  source "$root/bench/pg.sh" bench_hotline
  "$build/tongchou" gen city --db "$bench_pg_url" --scale "$dash_scale" --quiet >/dev/null
  "$build/tongchou" gen hotline --db "$bench_pg_url" --days "$days" --end-date "$end" --per-day "$per_day" --no-log
  psql "$bench_pg_url" -qc "VACUUM ANALYZE hotline_requests" >/dev/null
  "$build/bench/hotline_bench" dashboard --sqlite "sqlite:$dsq" --pg "$bench_pg_url" --from "$from" --to "$end" \
    --month "$month" --runs 7
fi
