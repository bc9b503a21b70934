#!/usr/bin/env bash
# GET /api/pdfs on a catalogue of 1,000,000 PDFs (issue 12): a throw-away
# PostgreSQL, siberius-server on a fresh database, the rows loaded by
# bench/pdf_search_load.sql, then each search timed as an HTTP round trip on
# loopback and its statements' EXPLAIN (ANALYZE, BUFFERS) from auto_explain.
#
#   bench/pdf_search.sh [--rows 1000000] [--rounds 30] [--warmup 5] [--no-explain]
#
# Environment: BUILD (default <repo>/build), KEEP=1 keeps the work folder,
# SHARED_BUFFERS (default 1GB: the table and its indexes fit, as they should
# on a server holding this catalogue).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SERVER=${SIBERIUS_SERVER:-$BUILD/actors/siberius-server}
[ -x "$SERVER" ] || { echo "missing $SERVER: build it first" >&2; exit 2; }
[ -d "$ROOT/tests/e2e/node_modules/socket.io-client" ] || (cd "$ROOT/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
# auto_explain is loaded but off (log_min_duration -1): the helper turns it on
# by reload after the timed rounds, so timing pays no instrumentation.
export SIBERIUS_PG_OPTS="${SIBERIUS_PG_OPTS:-} -c shared_buffers=${SHARED_BUFFERS:-1GB} -c shared_preload_libraries=auto_explain -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on -c auto_explain.log_timing=on"
# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"
bench_work_with_pg search
SIBERIUS_PG="$SIBERIUS_PG" SIBERIUS_SOURCE_DIR="${SIBERIUS_SOURCE_DIR:-$ROOT}" SIBERIUS_SERVER="$SERVER" \
  node "$ROOT/bench/pdf_search.mjs" --work "$WORK" "$@"
