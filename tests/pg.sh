#!/usr/bin/env bash
# Starts or stops the throwaway PostgreSQL server the tests use.
#   tests/pg.sh start ENVFILE   initdb into a fresh temp folder, start on a free port,
#                               write TC_PG_URL=... (an admin URL) into ENVFILE
#                               (env: TC_PG_FSYNC=on|off, default off; TC_PG_MAX_CONNECTIONS,
#                               default 200)
#   tests/pg.sh stop ENVFILE    stop that server and remove its folder
# PostgreSQL refuses to run as root, so as root the server runs as user postgres.
set -euo pipefail
cmd=${1:?start|stop}
envfile=${2:?env file}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pg.sh: PostgreSQL server not installed (apt-get install postgresql)" >&2; exit 1; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  if [ -f "$envfile" ]; then "$0" stop "$envfile" || true; fi
  dir=$(mktemp -d /tmp/tc-pg.XXXXXX)
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
  as_pg "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  for attempt in $(seq 1 20); do
    port=$(( 20000 + (RANDOM % 20000) ))
    if as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses='' -c fsync=${TC_PG_FSYNC:-off} -c max_connections=${TC_PG_MAX_CONNECTIONS:-200}" start >/dev/null 2>&1; then
      printf "TC_PG_URL='postgresql://postgres@/postgres?host=%s&port=%s'\nTC_PG_DIR='%s'\n" "$dir" "$port" "$dir" >"$envfile"
      echo "pg.sh: PostgreSQL $(basename "$(dirname "$bindir")") on socket $dir port $port"
      exit 0
    fi
  done
  cat "$dir/log" >&2 || true
  echo "pg.sh: could not start PostgreSQL" >&2
  exit 1
  ;;
stop)
  [ -f "$envfile" ] || exit 0
  dir=$(sed -n "s/^TC_PG_DIR='\(.*\)'$/\1/p" "$envfile")
  if [ -n "$dir" ] && [ -d "$dir/data" ]; then
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
  fi
  rm -f "$envfile"
  echo "pg.sh: stopped"
  ;;
*) echo "usage: $0 start|stop ENVFILE" >&2; exit 2 ;;
esac
