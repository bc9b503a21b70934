# Sourced by the bench scripts: a work folder under /tmp with a throw-away
# PostgreSQL in it, both removed on exit (KEEP=1, or a failure, keeps the
# folder to look at).
#
#   source "$ROOT/bench/lib.sh"; bench_work_with_pg transfer   # sets WORK and SIBERIUS_PG

# shellcheck source=../scripts/lib/pg.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/pg.sh"

bench_cleanup() {
  local rc=$?
  siberius_pg_stop "$WORK"
  if [ "${KEEP:-0}" = 1 ] || [ $rc -ne 0 ]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
}

bench_work_with_pg() {
  WORK=$(mktemp -d "/tmp/siberius-$1.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  siberius_pg_start "$WORK" "$port" throwaway
}
