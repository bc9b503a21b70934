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
# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"
bench_work_with_pg request
SIBERIUS_PG="$SIBERIUS_PG" SIBERIUS_SOURCE_DIR="$ROOT" SIBERIUS_SERVER="$BUILD/actors/siberius-server" \
  SIBERIUS_DAEMON="$BUILD/daemon/siberius-daemon" node "$ROOT/bench/pdf_request.mjs" --work "$WORK" "$@"
