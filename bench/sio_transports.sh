#!/usr/bin/env bash
# Socket.IO long-polling beside WebSocket (issue 17): sio-echo with the
# production heartbeat (25 s + 20 s), 1,000 stock socket.io-client sessions
# per transport, a steady rate of acked events; round trip per transport and
# the server's RSS. Prints figures; not a test.
#
#   bench/sio_transports.sh [--clients 1000] [--workers 4] [--rate 100] [--duration 30] [--new-connections]
#
# Environment: BUILD (default <repo>/build), SIO_ECHO (default
# $BUILD/net/sio-echo; any server with its command line, such as a reference
# socket.io server behind a wrapper script).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SIO_ECHO=${SIO_ECHO:-$BUILD/net/sio-echo}
[ -x "$SIO_ECHO" ] || { echo "missing $SIO_ECHO: build sio-echo first" >&2; exit 2; }
[ -d "$ROOT/tests/interop/node_modules/socket.io-client" ] || (cd "$ROOT/tests/interop" && npm ci --no-audit --no-fund --loglevel=error)
# 2,000 sessions are 2,000 sockets in the server and as many in the clients,
# plus the polling requests' own connections: raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge 8192 ] || echo "warning: ulimit -n is $(ulimit -n); 2,000 sessions may not fit" >&2
SIO_ECHO="$SIO_ECHO" exec node "$ROOT/bench/sio_transports.mjs" "$@"
