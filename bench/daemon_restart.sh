#!/usr/bin/env bash
# The office daemon's restart (issue 13): 10,000 small PDFs indexed once, then the
# daemon restarted over them (wall and CPU time to its reconciliation's end, files
# read, idle RSS), and a start over 100,000 files the server already holds (idle
# RSS). Real siberius-server, a throw-away PostgreSQL. Python 3 standard library only.
#
#   bench/daemon_restart.sh [--files N] [--large N (0 skips it)] [--idle-seconds S]
#
# Environment: BUILD (default <repo>/build), KEEP=1 to keep the work folder.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SERVER_BIN=$BUILD/actors/siberius-server
DAEMON_BIN=$BUILD/daemon/siberius-daemon
for bin in "$SERVER_BIN" "$DAEMON_BIN" "$BUILD/daemon/siberius-pdf-reader"; do
  [ -x "$bin" ] || { echo "missing $bin: build it first" >&2; exit 2; }
done

# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"
bench_work_with_pg daemon-restart

python3 "$ROOT/bench/daemon_restart.py" --work "$WORK" --pg "$SIBERIUS_PG" --psql "$SIBERIUS_PG_BIN/psql" \
  --server "$SERVER_BIN" --daemon "$DAEMON_BIN" --schema-dir "$ROOT/schema" "$@"
