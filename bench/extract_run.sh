#!/usr/bin/env bash
# Runs bench-extract: the daemon's first index of N distinct copies of the
# corpus (default 2000) with read_pdf on 1 and 2 workers, beside a minimal
# poppler-cpp + SHA-256 loop, each phase in its own process. The copies live
# in a temporary folder that bench-extract removes.
#
#   bench/extract_run.sh [--files N] [--rounds R] [--corpus DIR] [--keep]
#
# Environment: BUILD (default <repo>/build).
# On a machine shared with builds, use --rounds 3 or more: each phase's
# fastest round is reported, and the CPU ms/doc column is steadier than time.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
BENCH_BIN=$BUILD/bench/bench-extract
[ -x "$BENCH_BIN" ] || { echo "missing $BENCH_BIN: build it first (cmake --build $BUILD --target bench-extract)" >&2; exit 2; }

exec "$BENCH_BIN" "$@"
