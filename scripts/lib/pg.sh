# A private PostgreSQL cluster: its own data folder, socket folder and port,
# never the system cluster. Sourced by scripts/run, scripts/test and tests.
#
#   siberius_pg_start DATA_DIR PORT [throwaway]  -> exports SIBERIUS_PG (conninfo)
#   siberius_pg_stop DATA_DIR
#
# SIBERIUS_PG_OPTS adds server settings ("-c name=value ...") to the start.

SIBERIUS_PG_BIN=${SIBERIUS_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}

# initdb and postgres refuse to run as root: run them as the postgres system user.
_siberius_pg_as() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

siberius_pg_start() {
  local data=$1 port=$2 throwaway=${3:-}
  local cluster="$data/pg" sock="$data/pg-socket"
  mkdir -p "$data" "$sock" "$data/pg-logs"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$sock" "$data/pg-logs"
    # postgres must be able to reach the cluster folder through its parents.
    local d; d=$(cd "$data" && pwd)
    while [ "$d" != "/" ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
  fi
  if [ ! -f "$cluster/PG_VERSION" ]; then
    mkdir -p "$cluster"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$cluster"
    _siberius_pg_as "$SIBERIUS_PG_BIN/initdb" -D "$cluster" -U siberius --auth=trust \
      -E UTF8 --locale=C.UTF-8 >"$data/pg-initdb.log" 2>&1 \
      || { cat "$data/pg-initdb.log" >&2; return 1; }
  fi
  local opts="-c listen_addresses='' -c unix_socket_directories='$sock' -p $port"
  if [ -n "$throwaway" ]; then
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  # Extra server settings, e.g. SIBERIUS_PG_OPTS="-c shared_preload_libraries=pg_stat_statements".
  [ -n "${SIBERIUS_PG_OPTS:-}" ] && opts="$opts $SIBERIUS_PG_OPTS"
  if ! _siberius_pg_as "$SIBERIUS_PG_BIN/pg_ctl" -D "$cluster" status >/dev/null 2>&1; then
    _siberius_pg_as "$SIBERIUS_PG_BIN/pg_ctl" -D "$cluster" -w -t 60 -o "$opts" \
      -l "$data/pg-logs/postgres.log" start >/dev/null || { tail -n 20 "$data/pg-logs/postgres.log" >&2; return 1; }
  fi
  _siberius_pg_as "$SIBERIUS_PG_BIN/psql" -h "$sock" -p "$port" -U siberius -d postgres -qAtc \
    "SELECT 1 FROM pg_database WHERE datname='siberius'" | grep -q 1 \
    || _siberius_pg_as "$SIBERIUS_PG_BIN/createdb" -h "$sock" -p "$port" -U siberius siberius
  export SIBERIUS_PG="host=$sock port=$port user=siberius dbname=siberius"
}

siberius_pg_stop() {
  local cluster="$1/pg"
  [ -f "$cluster/PG_VERSION" ] || return 0
  _siberius_pg_as "$SIBERIUS_PG_BIN/pg_ctl" -D "$cluster" -w -t 60 -m fast stop >/dev/null 2>&1 || true
}
