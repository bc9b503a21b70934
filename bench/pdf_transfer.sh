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
# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"
bench_work_with_pg transfer
python3 "$ROOT/bench/pdf_transfer.py" --server "$SERVER_BIN" --pg "$SIBERIUS_PG" \
  --schema-dir "$ROOT/schema" --work "$WORK" "$@"
