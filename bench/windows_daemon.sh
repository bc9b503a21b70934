#!/usr/bin/env bash
# The Windows daemon under Wine beside the Linux daemon, in one run (issue 13):
# the readers alone, then a first index of the corpus's readable samples and of
# N generated PDFs (default 2000) into a real siberius-server with a throw-away
# PostgreSQL. Needs build/ (scripts/test or scripts/run) and build-windows/
# (scripts/build-windows), and Wine.
#
#   bench/windows_daemon.sh [--files N]
#
# Environment: BUILD (default <repo>/build), WINDOWS (default
# <repo>/build-windows/dist), CORPUS (default <repo>/../shared/corpus/pdfs), KEEP=1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
WINDOWS=${WINDOWS:-$ROOT/build-windows/dist}
CORPUS=${CORPUS:-$(cd "$ROOT/.." && pwd)/shared/corpus/pdfs}
for bin in "$BUILD/actors/siberius-server" "$BUILD/daemon/siberius-daemon" "$WINDOWS/siberius-daemon.exe"; do
  [ -e "$bin" ] || { echo "missing $bin: build it first (scripts/build-windows for the .exe)" >&2; exit 2; }
done
command -v wine >/dev/null || { echo "wine is not installed (apt-get install wine wine64)" >&2; exit 2; }

# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"
bench_work_with_pg windows-daemon

python3 "$ROOT/bench/windows_daemon.py" --work "$WORK" --pg "$SIBERIUS_PG" --psql "$SIBERIUS_PG_BIN/psql" \
  --server "$BUILD/actors/siberius-server" --linux-daemon "$BUILD/daemon/siberius-daemon" --windows "$WINDOWS" \
  --schema-dir "$ROOT/schema" --corpus "$CORPUS" "$@"
