#!/usr/bin/env bash
# "Visualizar PDF" in Debian's Chromium on a phone-sized page (issue 12): from
# the press of the button on a 1 MB PDF that is only in the office to page 1
# on screen, with the real daemon uploading it on loopback, the real server
# and a throw-away PostgreSQL. Prints figures; not a test.
#
#   bench/pdf_view.sh [--rounds 10] [--size-mb 1]
#
# Environment: BUILD (default <repo>/build: siberius-server, siberius-daemon),
# UI_DIR (a built web app; default: ui/dist, built when its sources changed),
# KEEP=1 keeps the work folder, CHROMIUM (default /usr/bin/chromium).
# Screenshots go to $BUILD/ui-screenshots/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
for bin in actors/siberius-server daemon/siberius-daemon; do
  [ -x "$BUILD/$bin" ] || { echo "missing $BUILD/$bin: build it first (cmake --build $BUILD --target $(basename "$bin"))" >&2; exit 2; }
done
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "missing ${CHROMIUM:-/usr/bin/chromium}: apt-get install chromium" >&2; exit 2; }
[ -d "$ROOT/tests/ui/node_modules/playwright-core" ] || (cd "$ROOT/tests/ui" && npm ci --no-audit --no-fund --loglevel=error)
[ -d "$ROOT/tests/e2e/node_modules/socket.io-client" ] || (cd "$ROOT/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
if [ -z "${UI_DIR:-}" ]; then
  # The web app, built when its sources changed.
  SIBERIUS_ROOT=$ROOT
  # shellcheck source=../scripts/lib/ui.sh
  source "$ROOT/scripts/lib/ui.sh"
  siberius_ui_build
  UI_DIR=$ROOT/ui/dist
fi
# shellcheck source=lib.sh
source "$ROOT/bench/lib.sh"
bench_work_with_pg pdf-view
SIBERIUS_PG="$SIBERIUS_PG" SIBERIUS_SOURCE_DIR="$ROOT" SIBERIUS_SERVER="$BUILD/actors/siberius-server" \
  SIBERIUS_DAEMON="$BUILD/daemon/siberius-daemon" \
  node "$ROOT/bench/pdf_view.mjs" --work "$WORK" --ui-dir "$UI_DIR" --screenshots "$BUILD/ui-screenshots" "$@"
