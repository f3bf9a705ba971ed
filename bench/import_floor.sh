#!/usr/bin/env bash
# SQLite's own ceiling for the resident import: 1,000,000 prepared rows inserted into
# a copy of a generated city's SQLite file with one INSERT ... SELECT in one
# transaction (WAL, synchronous=FULL, 1 GiB cache, the residents' four indexes) — no
# parsing, validation or look-ups. Usage: bench/import_floor.sh CITY.db
# (e.g. build/bench-tracing/city-1.db after make bench-tracing TRACE_SCALE=1.0).
set -euo pipefail
city=${1:?usage: bench/import_floor.sh CITY.db}
command -v sqlite3 >/dev/null || apt-get install -y -q sqlite3 >/dev/null
copy=$(mktemp -d /tmp/tc-import-floor.XXXXXX)
trap 'rm -rf "$copy"' EXIT
cp "$city" "$copy/city.db"
sqlite3 "$copy/city.db" <<'SQL'
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
PRAGMA cache_size=-1048576;
SELECT count(*) || ' residents before' FROM residents;
-- New ID numbers ('X' + the rest: unique, unlike any stored one) and phones, in
-- existing households, with the stored rows' names and spread.
CREATE TEMP TABLE staged AS
  SELECT name, 'X' || substr(id_number, 2) AS id_number, '19' || substr(phone, 3) AS phone, birth_date, sex,
         household_code, tags, status, created_at, updated_at
  FROM residents WHERE id % 9 = 0 AND id_number IS NOT NULL LIMIT 1000000;
SELECT count(*) || ' rows staged' FROM staged;
.timer on
BEGIN;
INSERT INTO residents (name, id_number, phone, birth_date, sex, household_code, tags, status, created_at, updated_at)
  SELECT * FROM staged ORDER BY household_code;
COMMIT;
.timer off
SELECT count(*) || ' residents after' FROM residents;
SQL
