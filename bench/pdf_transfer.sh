#!/usr/bin/env bash
# Upload and download throughput of a 50 MB PDF through siberius-server beside
# a plain loopback transfer, and the server's memory (issue 4). A throw-away
# PostgreSQL; everything it starts is stopped on exit.
#
#   bench/pdf_transfer.sh [--size-mb 50] [--small-mb 5] [--rounds 3]
#
# Environment: BUILD (default <repo>/build), KEEP=1 keeps the work folder.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SERVER_BIN=$BUILD/actors/siberius-server
[ -x "$SERVER_BIN" ] || { echo "missing $SERVER_BIN: build it first" >&2; exit 2; }
# shellcheck source=../scripts/lib/pg.sh
source "$ROOT/scripts/lib/pg.sh"
WORK=$(mktemp -d /tmp/siberius-transfer.XXXXXX)
cleanup() {
  local rc=$?
  siberius_pg_stop "$WORK"
  if [ "${KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
siberius_pg_start "$WORK" "$PG_PORT" throwaway
python3 "$ROOT/bench/pdf_transfer.py" --server "$SERVER_BIN" --pg "$SIBERIUS_PG" --psql "$SIBERIUS_PG_BIN/psql" \
  --schema-dir "$ROOT/schema" --work "$WORK" "$@"
