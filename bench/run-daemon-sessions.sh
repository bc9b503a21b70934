#!/usr/bin/env bash
# Runs bench-daemon-sessions against a fresh siberius-server on a throw-away
# PostgreSQL, then (unless REFERENCE=0) the same client load against sio-echo
# as a transport-only reference: what the front costs without actors or a
# database. Everything it starts is stopped on exit.
#
#   bench/run-daemon-sessions.sh [bench options: --sessions N --duration S ...]
#
# Environment: BUILD (default <repo>/build), SERVER_ARGS (extra server flags),
# REFERENCE=0 to skip the sio-echo run, REFERENCE_SESSIONS (default 1000:
# sio-echo pings every 300 ms, so ten thousand sessions there measure pings),
# KEEP=1 to keep the work folder (logs).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SERVER_BIN=$BUILD/actors/siberius-server
BENCH_BIN=$BUILD/bench/bench-daemon-sessions
ECHO_BIN=$BUILD/net/sio-echo
for bin in "$SERVER_BIN" "$BENCH_BIN"; do
  [ -x "$bin" ] || { echo "missing $bin: build it first (cmake --build $BUILD --target $(basename "$bin"))" >&2; exit 2; }
done

# shellcheck source=../scripts/lib/pg.sh
source "$ROOT/scripts/lib/pg.sh"

WORK=$(mktemp -d /tmp/siberius-bench.XXXXXX)
SERVER_PID= ECHO_PID=
cleanup() {
  local rc=$?
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$ECHO_PID" ] && kill "$ECHO_PID" 2>/dev/null && wait "$ECHO_PID" 2>/dev/null || true
  siberius_pg_stop "$WORK"
  if [ "${KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then
    echo "logs kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port nobody listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Ten thousand sessions need ten thousand descriptors on each side.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

PG_PORT=$(free_port)
siberius_pg_start "$WORK" "$PG_PORT" throwaway

PORT=$(free_port)
# shellcheck disable=SC2086
# Every simulated daemon comes from 127.0.0.1: no per-address cap.
"$SERVER_BIN" --port "$PORT" --db "$SIBERIUS_PG" --schema-dir "$ROOT/schema" \
  --credentials "$WORK/credentials.json" --max-connections-per-address 0 ${SERVER_ARGS:-} >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do
  [ -s "$WORK/credentials.json" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "siberius-server exited at start:" >&2; tail -n 20 "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$WORK/credentials.json" ] || { echo "siberius-server wrote no credentials within 60 s" >&2; exit 1; }
ADMIN_TOKEN=$(jq -r .adminToken "$WORK/credentials.json")

echo "== siberius-server (pid $SERVER_PID, port $PORT, PostgreSQL on $PG_PORT) =="
"$BENCH_BIN" --url "http://127.0.0.1:$PORT" --admin-token "$ADMIN_TOKEN" --server-pid "$SERVER_PID" "$@" \
  | tee "$WORK/bench-server.txt"

if [ "${REFERENCE:-1}" != 0 ] && [ -x "$ECHO_BIN" ]; then
  kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
  ECHO_PORT=$(free_port)
  "$ECHO_BIN" --port "$ECHO_PORT" >"$WORK/echo.log" 2>&1 &
  ECHO_PID=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$ECHO_PORT") 2>/dev/null && break
    sleep 0.05
  done
  echo
  echo "== reference: sio-echo (pid $ECHO_PID; no actors, no database; pings every 300 ms) =="
  "$BENCH_BIN" --echo --url "http://127.0.0.1:$ECHO_PORT" --server-pid "$ECHO_PID" "$@" \
    --sessions "${REFERENCE_SESSIONS:-1000}" \
    | tee "$WORK/bench-echo.txt"
fi
