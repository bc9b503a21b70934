#!/usr/bin/env bash
# The system monitor in Debian's Chromium against the real server serving
# ui/dist (issue 11): first render, live data, bytes of the first load, then
# N simulated daemons online (bench-daemon-sessions) while their heartbeats
# stream: the tab's memory and frame times. Prints figures; not a test.
#
#   bench/ui_monitor.sh [--rounds 5] [--daemons 500] [--heartbeat-interval 30] [--watch-s 30] [--profile]
#
# Environment: BUILD (default <repo>/build: siberius-server, siberius-daemon,
# bench-daemon-sessions), KEEP=1 keeps the work folder, CHROMIUM (default
# /usr/bin/chromium). Screenshots go to $BUILD/ui-screenshots/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
for bin in actors/siberius-server daemon/siberius-daemon bench/bench-daemon-sessions; do
  [ -x "$BUILD/$bin" ] || { echo "missing $BUILD/$bin: build it first (cmake --build $BUILD --target $(basename "$bin"))" >&2; exit 2; }
done
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "missing ${CHROMIUM:-/usr/bin/chromium}: apt-get install chromium" >&2; exit 2; }
[ -d "$ROOT/tests/ui/node_modules/playwright-core" ] || (cd "$ROOT/tests/ui" && npm ci --no-audit --no-fund --loglevel=error)
# The web app, built when its sources changed.
SIBERIUS_ROOT=$ROOT
# shellcheck source=../scripts/lib/ui.sh
source "$ROOT/scripts/lib/ui.sh"
siberius_ui_build
# Hundreds of sessions on each side.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"
bench_work_with_pg ui-monitor
SIBERIUS_PG="$SIBERIUS_PG" node "$ROOT/bench/ui_monitor.mjs" --work "$WORK" --build "$BUILD" "$@"
