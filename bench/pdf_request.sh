#!/usr/bin/env bash
# Request -> ready latency of the on-demand path (issue 4): the real daemon
# on a folder of 1 MB PDFs, the real server, a throw-away PostgreSQL, and a
# /client socket timing POST /api/pdfs/:id/request until pdf:ready.
#
#   bench/pdf_request.sh [--files 30] [--size-mb 1]
#
# Environment: BUILD (default <repo>/build), KEEP=1 keeps the work folder.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
for bin in actors/siberius-server daemon/siberius-daemon; do
  [ -x "$BUILD/$bin" ] || { echo "missing $BUILD/$bin: build it first" >&2; exit 2; }
done
[ -d "$ROOT/tests/e2e/node_modules/socket.io-client" ] || (cd "$ROOT/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
# shellcheck source=../scripts/lib/pg.sh
source "$ROOT/scripts/lib/pg.sh"
WORK=$(mktemp -d /tmp/siberius-request.XXXXXX)
cleanup() {
  local rc=$?
  siberius_pg_stop "$WORK"
  if [ "${KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
siberius_pg_start "$WORK" "$PG_PORT" throwaway
SIBERIUS_PG="$SIBERIUS_PG" SIBERIUS_SOURCE_DIR="$ROOT" SIBERIUS_SERVER="$BUILD/actors/siberius-server" \
  SIBERIUS_DAEMON="$BUILD/daemon/siberius-daemon" node "$ROOT/bench/pdf_request.mjs" --work "$WORK" "$@"
