#!/usr/bin/env bash
# GET /metrics: what one scrape costs (issue 15). A throw-away PostgreSQL,
# siberius-server on a fresh database with --daemons daemons connected and
# --pdfs rows in pdf_cache, then scrapes timed one at a time and 20 at once,
# with the database reads they caused. Prints figures; not a test.
#
#   bench/metrics_scrape.sh [--daemons 50] [--pdfs 100000] [--rounds 200]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SERVER=${SIBERIUS_SERVER:-$BUILD/actors/siberius-server}
[ -x "$SERVER" ] || { echo "missing $SERVER: build it first" >&2; exit 2; }
[ -d "$ROOT/tests/e2e/node_modules/parse-prometheus-text-format" ] || (cd "$ROOT/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"
bench_work_with_pg metrics
SIBERIUS_PG="$SIBERIUS_PG" SIBERIUS_SOURCE_DIR="${SIBERIUS_SOURCE_DIR:-$ROOT}" SIBERIUS_SERVER="$SERVER" \
  node "$ROOT/bench/metrics_scrape.mjs" "$@"
