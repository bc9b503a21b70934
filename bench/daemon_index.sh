#!/usr/bin/env bash
# The office daemon's benchmark (issue 3): first index of N distinct corpus
# copies (default 2000) with PARSE_WORKERS=1 and 2 beside bench-extract's plain
# poppler-cpp + SHA-256 loop, the daemon's peak and idle RSS, and the time from
# a new PDF landing in the folder to its row on the server. Real
# siberius-server, a throw-away PostgreSQL, a fresh database per index run.
# Everything it starts is stopped on exit. Python 3 standard library only.
#
#   bench/daemon_index.sh [--files N] [--latency-rounds N] [--index-stable-ms MS]
#                         [--latency-stable-ms MS] [--ref-rounds R] ...
#                         (bench/daemon_index.py --help for all)
#
# Environment: BUILD (default <repo>/build), CORPUS (default
# <repo>/../shared/corpus/pdfs), KEEP=1 to keep the work folder (copies, logs).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
CORPUS=${CORPUS:-$(cd "$ROOT/.." && pwd)/shared/corpus/pdfs}
SERVER_BIN=$BUILD/actors/siberius-server
DAEMON_BIN=$BUILD/daemon/siberius-daemon
EXTRACT_BIN=$BUILD/bench/bench-extract
for bin in "$SERVER_BIN" "$DAEMON_BIN" "$EXTRACT_BIN"; do
  [ -x "$bin" ] || { echo "missing $bin: build it first (cmake --build $BUILD --target $(basename "$bin"))" >&2; exit 2; }
done
[ -d "$CORPUS" ] || { echo "no corpus folder $CORPUS (set CORPUS)" >&2; exit 2; }

# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"
bench_work_with_pg daemon-index

python3 "$ROOT/bench/daemon_index.py" --work "$WORK" --pg "$SIBERIUS_PG" --psql "$SIBERIUS_PG_BIN/psql" \
  --server "$SERVER_BIN" --daemon "$DAEMON_BIN" --bench-extract "$EXTRACT_BIN" \
  --schema-dir "$ROOT/schema" --corpus "$CORPUS" "$@"
