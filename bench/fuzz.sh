#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ for MINUTES each, one after the other,
# and prints per target: executions, executions per second, corpus size and
# crashes found (fuzz/README.md).
#
#   bench/fuzz.sh MINUTES [TARGET...]     # MINUTES may be a fraction: 0.5
#
# Builds build-fuzz/ first (clang-14, ASan + UBSan). Each target starts from
# its seeds and kept crashes and grows a work corpus in
# build-fuzz/fuzz-work/<target>/corpus (kept between runs); a crash goes to
# build-fuzz/fuzz-work/<target>/crashes/ and the target starts again for the
# rest of its time. A crash worth keeping belongs in fuzz/regressions/<target>/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; then
  echo "usage: bench/fuzz.sh MINUTES [TARGET...]" >&2
  exit 2
fi
minutes=$1
shift
SIBERIUS_ROOT=$ROOT
export SIBERIUS_ROOT CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT}
source "$ROOT/scripts/lib/deps.sh"
source "$ROOT/scripts/lib/fuzz.sh"
BUILD=$ROOT/build-fuzz
siberius_fuzz_build "$BUILD" >/dev/null

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$BUILD"/fuzz/fuzz-*; do targets+=("${f##*/fuzz-}"); done
fi
seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60); print (s < 1 ? 1 : s) }')

# Per-target libFuzzer options: a slow input is a finding (-timeout), a PDF
# may legitimately take poppler a while.
options_for() {
  case $1 in
    pdf_reader) echo "-timeout=60 -rss_limit_mb=3072" ;;
    http_front) echo "-timeout=20 -max_len=65536" ;;
    *) echo "-timeout=20" ;;
  esac
}

printf '%-14s %12s %8s %8s %8s %8s %s\n' target executions exec/s corpus cov crashes "crash files"
for t in "${targets[@]}"; do
  bin=$BUILD/fuzz/fuzz-$t
  [ -x "$bin" ] || { echo "no such target: $t" >&2; exit 2; }
  work=$BUILD/fuzz-work/$t
  mkdir -p "$work/corpus" "$work/crashes"
  inputs=("$work/corpus" "$ROOT/fuzz/corpus/$t")
  [ -d "$ROOT/fuzz/regressions/$t" ] && inputs+=("$ROOT/fuzz/regressions/$t")
  dict=()
  [ -f "$ROOT/fuzz/dict/$t.dict" ] && dict=(-dict="$ROOT/fuzz/dict/$t.dict")
  crashes_before=$(find "$work/crashes" -type f | wc -l)
  execs=0
  start=$(date +%s)
  # A crash stops libFuzzer: start it again until the time is used up.
  while :; do
    left=$((seconds - ($(date +%s) - start)))
    [ "$left" -ge 1 ] || break
    log=$work/last.log
    # shellcheck disable=SC2046
    "$bin" $(options_for "$t") "${dict[@]}" -max_total_time="$left" -print_final_stats=1 \
      -artifact_prefix="$work/crashes/" "${inputs[@]}" >"$log" 2>&1 || true
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | awk '{s += $1} END {print s + 0}' || true)
    execs=$((execs + n))
    grep -qE '^(==[0-9]+==ERROR|SUMMARY: |.*deadly signal|ALARM: working on the last Unit)' "$log" || break
  done
  elapsed=$(( $(date +%s) - start ))
  [ "$elapsed" -ge 1 ] || elapsed=1
  # libFuzzer's last status line: "#N DONE cov: C ft: F corp: UNITS/SIZE ..."
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
  corpus=$(grep -oE 'corp: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
  crashes=$(( $(find "$work/crashes" -type f | wc -l) - crashes_before ))
  printf '%-14s %12d %8d %8s %8s %8d %s\n' "$t" "$execs" $((execs / elapsed)) "${corpus:-?}" "${cov:-?}" "$crashes" \
    "$( [ "$crashes" -gt 0 ] && echo "$work/crashes/" )"
done
