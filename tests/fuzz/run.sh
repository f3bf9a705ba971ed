#!/usr/bin/env bash
# A bounded libFuzzer pass over one target, as a test: builds the harness with clang
# (the main build uses GCC) into the build folder, then fuzzes for a fixed time from
# the corpus kept in the repository. A crash, leak, undefined behaviour, timeout or
# broken promise fails the test and leaves its reproducer in the build folder.
#
# Usage: tests/fuzz/run.sh OUT_DIR TARGET [SECONDS]
#   TARGET   csv | json | healthcode (tests/fuzz/TARGET_fuzz.cc; sources listed below)
#   SECONDS  fuzzing time (default 30); the environment's TC_FUZZ_SECONDS wins.
#   CLANGXX  the compiler (default clang++); it needs libFuzzer (Debian: clang and
#            libclang-rt-14-dev, which `make deps-test` installs).
# The repository's corpus is only read: new inputs go to OUT_DIR/TARGET-corpus, kept
# between runs. Reproduce a find with: OUT_DIR/TARGET_fuzz OUT_DIR/TARGET-crash-…
set -euo pipefail
out=${1:?usage: run.sh OUT_DIR TARGET [SECONDS]}
target=${2:?usage: run.sh OUT_DIR TARGET [SECONDS]}
seconds=${TC_FUZZ_SECONDS:-${3:-30}}
root=$(cd "$(dirname "$0")/../.." && pwd)
cxx=${CLANGXX:-clang++}

libs=()
case "$target" in
  csv) sources=(src/io/csv.cc src/io/table.cc src/io/encoding.cc src/base/status.cc) ;;
  json) sources=(src/base/json.cc src/base/status.cc) ;;
  healthcode) sources=(src/healthcode/token.cc src/base/status.cc src/base/time.cc src/base/json.cc)
              libs=(-lsodium) ;;
  *) echo "run.sh: unknown target '$target' (csv, json, healthcode)" >&2; exit 2 ;;
esac
sources=("tests/fuzz/${target}_fuzz.cc" "${sources[@]}")

command -v "$cxx" >/dev/null || { echo "run.sh: $cxx not found; install clang (make deps-test)" >&2; exit 1; }
mkdir -p "$out"
binary="$out/${target}_fuzz"
flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I"$root/src")

# Rebuilt when the compiler, the flags or any source or header of ours changed.
stamp=$( { "$cxx" --version; echo "${flags[*]}"; cd "$root" && cat "${sources[@]}" src/io/*.h src/base/*.h src/healthcode/*.h; } | sha256sum | cut -c1-16)
if [ ! -x "$binary" ] || [ "$(cat "$binary.stamp" 2>/dev/null)" != "$stamp" ]; then
  echo "run.sh: building $binary"
  launcher=()
  command -v ccache >/dev/null && launcher=(ccache)
  objects=()
  for s in "${sources[@]}"; do
    o="$out/${target}-$(basename "$s" .cc).o"
    "${launcher[@]}" "$cxx" "${flags[@]}" -c "$root/$s" -o "$o"
    objects+=("$o")
  done
  "$cxx" "${flags[@]}" "${objects[@]}" "${libs[@]}" -o "$binary"
  echo "$stamp" > "$binary.stamp"
fi

seeds="$root/tests/fuzz/corpus/$target"
scratch="$out/$target-corpus"
mkdir -p "$scratch"
extra=()
[ -f "$root/tests/fuzz/$target.dict" ] && extra+=(-dict="$root/tests/fuzz/$target.dict")
echo "run.sh: fuzzing $target for ${seconds}s (seeds $seeds, new inputs in $scratch)"
# -timeout: one input taking 10 s is a hang; -max_len keeps inputs small and runs fast.
if ! "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -artifact_prefix="$out/$target-" -print_final_stats=1 "${extra[@]}" "$scratch" "$seeds" 2>"$out/$target-fuzz.log"; then
  tail -n 60 "$out/$target-fuzz.log" >&2
  echo "run.sh: $target: the fuzzer found a failure; reproducer(s):" >&2
  ls -1 "$out/$target-"crash-* "$out/$target-"leak-* "$out/$target-"timeout-* "$out/$target-"oom-* 2>/dev/null >&2 || true
  exit 1
fi
grep -E "^(Done|stat::number_of_executed_units|stat::new_units_added)" "$out/$target-fuzz.log" || true
echo "run.sh: $target: no failure in ${seconds}s"
