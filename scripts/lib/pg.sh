# A private PostgreSQL cluster: its own data folder, socket folder and port,
# never the system cluster. Sourced by scripts/run, scripts/test and tests.
#
#   siberius_pg_start DATA_DIR PORT [throwaway]  -> exports SIBERIUS_PG (conninfo)
#   siberius_pg_stop DATA_DIR
#
# SIBERIUS_PG_OPTS adds server settings ("-c name=value ...") to the start.

SIBERIUS_PG_BIN=${SIBERIUS_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}

# initdb and postgres refuse to run as root: run them as the postgres system user.
# (Only they: clients run as the caller, like the server.)
_siberius_pg_as() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Who may reach the database: only the owner of the cluster. The socket folder
# and the socket are 0700 (root passes anyway), and the socket accepts peer
# authentication only, for the OS users mapped to the database user siberius:
# the one running this (the server runs as that user) and, when that is root,
# the postgres system user the cluster runs as.
_siberius_pg_access() {
  local cluster=$1 me; me=$(id -un)
  cat >"$cluster/pg_hba.conf" <<HBA
# Written by scripts/lib/pg.sh at each start. Unix socket only (listen_addresses
# is empty), in a folder only the cluster's owner can enter, and peer
# authentication: the OS user must be one of those in pg_ident.conf.
local all all peer map=siberius
HBA
  {
    echo "# Written by scripts/lib/pg.sh: OS users allowed to log in as siberius."
    echo "siberius $me siberius"
    [ "$me" = root ] && echo "siberius postgres siberius"
  } >"$cluster/pg_ident.conf"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$cluster/pg_hba.conf" "$cluster/pg_ident.conf"
  chmod 0600 "$cluster/pg_hba.conf" "$cluster/pg_ident.conf"
}

# As root the cluster runs as postgres, which must reach the data folder
# through its parents: it gets search permission, and only it, through an ACL
# on each parent it cannot cross yet (never "chmod o+x", which would open the
# path to every local user).
_siberius_pg_reach() {
  local target=$1 d="" part
  runuser -u postgres -- test -x "$target" 2>/dev/null && return 0
  local IFS=/
  for part in $target; do
    [ -z "$part" ] && continue
    d="$d/$part"
    runuser -u postgres -- test -x "$d" 2>/dev/null && continue
    setfacl -m u:postgres:x "$d" || { echo "pg.sh: cannot let postgres reach $d (setfacl)" >&2; return 1; }
  done
}

siberius_pg_start() {
  local data=$1 port=$2 throwaway=${3:-}
  local cluster="$data/pg" sock="$data/pg-socket"
  mkdir -p "$data" "$sock" "$data/pg-logs"
  chmod 0700 "$sock" "$data/pg-logs"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$sock" "$data/pg-logs"
    _siberius_pg_reach "$(cd "$data" && pwd)" || return 1
  fi
  if [ ! -f "$cluster/PG_VERSION" ]; then
    mkdir -p "$cluster"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$cluster"
    _siberius_pg_as "$SIBERIUS_PG_BIN/initdb" -D "$cluster" -U siberius --auth-local=peer --auth-host=reject \
      -E UTF8 --locale=C.UTF-8 >"$data/pg-initdb.log" 2>&1 \
      || { cat "$data/pg-initdb.log" >&2; return 1; }
  fi
  # Also on a cluster made by an older version (which trusted the socket).
  _siberius_pg_access "$cluster"
  local opts="-c listen_addresses='' -c unix_socket_directories='$sock' -c unix_socket_permissions=0700 -p $port"
  if [ -n "$throwaway" ]; then
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  # Extra server settings, e.g. SIBERIUS_PG_OPTS="-c shared_preload_libraries=pg_stat_statements".
  [ -n "${SIBERIUS_PG_OPTS:-}" ] && opts="$opts $SIBERIUS_PG_OPTS"
  if _siberius_pg_as "$SIBERIUS_PG_BIN/pg_ctl" -D "$cluster" status >/dev/null 2>&1; then
    _siberius_pg_as "$SIBERIUS_PG_BIN/pg_ctl" -D "$cluster" reload >/dev/null
  else
    _siberius_pg_as "$SIBERIUS_PG_BIN/pg_ctl" -D "$cluster" -w -t 60 -o "$opts" \
      -l "$data/pg-logs/postgres.log" start >/dev/null || { tail -n 20 "$data/pg-logs/postgres.log" >&2; return 1; }
  fi
  "$SIBERIUS_PG_BIN/psql" -h "$sock" -p "$port" -U siberius -d postgres -qAtc \
    "SELECT 1 FROM pg_database WHERE datname='siberius'" | grep -q 1 \
    || "$SIBERIUS_PG_BIN/createdb" -h "$sock" -p "$port" -U siberius siberius
  export SIBERIUS_PG="host=$sock port=$port user=siberius dbname=siberius"
}

siberius_pg_stop() {
  local cluster="$1/pg"
  [ -f "$cluster/PG_VERSION" ] || return 0
  _siberius_pg_as "$SIBERIUS_PG_BIN/pg_ctl" -D "$cluster" -w -t 60 -m fast stop >/dev/null 2>&1 || true
}
