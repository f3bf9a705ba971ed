#!/usr/bin/env bash
# make bench-tiers: contact tiers against the ground truth of dose-model outbreaks.
# A city at --scale (default 0.05) with --days (14) of check-ins is generated once
# into the work folder and kept; then, for each source venue (the big market, and the
# biggest factory) and each seed, the outbreak is cleared and regenerated and
# `tongchou trace evaluate` traces its first N detected cases (--n, default 5,20,50).
set -euo pipefail
build=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
scale=0.05 days=14 seeds="1 2 3" n="5,20,50"
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --n) n=$2; shift 2 ;;
    *) echo "bench-tiers: unknown argument $1" >&2; exit 2 ;;
  esac
done
tc="$build/tongchou"
work="$build/bench-tiers"
mkdir -p "$work"
db="$work/city-$scale-$days.db"
if [ ! -f "$db" ]; then
  "$tc" gen city --db "sqlite:$db.tmp" --scale "$scale" >/dev/null
  "$tc" gen checkins --db "sqlite:$db.tmp" --days "$days" | tail -1
  mv "$db.tmp" "$db"
fi
factory=$(python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("SELECT code FROM venues WHERE kind = 'factory' ORDER BY capacity DESC, id LIMIT 1").fetchone()[0])
PY
)
clear() {
  python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("DELETE FROM contacts"); c.execute("DELETE FROM cases"); c.execute("DELETE FROM outbreak_truth")
c.commit()
PY
}
echo "city: scale $scale, $days days of check-ins ($db)"
for source in auto "$factory"; do
  for seed in $seeds; do
    clear
    from=2022-03-02T06:00
    [ "$source" != auto ] && from=2022-03-02T08:00
    echo
    echo "=== source $source, seed $seed, from $from for 8 h"
    "$tc" gen outbreak --db "sqlite:$db" --source "$source" --from "$from" --hours 8 --seed "$seed" 2>/dev/null |
      grep -E "^outbreak|infected |at the source|at shared|in households|detected"
    "$tc" trace evaluate --db "sqlite:$db" --n "$n" 2>/dev/null
  done
done
