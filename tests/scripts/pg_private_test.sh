#!/usr/bin/env bash
# The private PostgreSQL of scripts/run (scripts/lib/pg.sh) is reachable by
# its owner only: socket folder and socket 0700, peer authentication mapped to
# the caller, and no parent folder opened to other users on the way.
# Prints PASS/FAIL lines; exits 1 on any failure.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
export SIBERIUS_ROOT=$root
source "$root/scripts/lib/pg.sh"

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

work=$(mktemp -d /tmp/siberius-pg-private.XXXXXX)
# A parent only its owner may enter, as a home folder is.
parent="$work/home"
mkdir -p "$parent" && chmod 0700 "$parent"
data="$parent/var"
port=$((56000 + RANDOM % 2000))
cleanup() { siberius_pg_stop "$data"; rm -rf "$work"; }
trap cleanup EXIT

siberius_pg_start "$data" "$port" throwaway || { echo "FAIL: the cluster did not start"; exit 1; }
sock="$data/pg-socket"

mode() { stat -c %a "$1"; }
[ "$(mode "$sock")" = 700 ] && pass "socket folder is 0700" || fail "socket folder mode $(mode "$sock")"
[ "$(mode "$sock/.s.PGSQL.$port")" = 700 ] && pass "socket is 0700" || fail "socket mode $(mode "$sock/.s.PGSQL.$port")"
others=$(( 0$(mode "$parent") & 7 ))
[ $others = 0 ] && pass "the parent folder is still closed to others (no o+x)" || fail "parent mode now $(mode "$parent")"

got=$(psql "$SIBERIUS_PG" -XAtc 'SELECT current_user' 2>&1)
[ "$got" = siberius ] && pass "the owner connects as siberius" || fail "owner's connection: $got"

rules=$(psql "$SIBERIUS_PG" -XAtc "SELECT type || ' ' || auth_method FROM pg_hba_file_rules" 2>&1)
[ "$rules" = "local peer" ] && pass "the only rule: local, peer" || fail "pg_hba rules: $rules"

if [ "$(id -u)" -eq 0 ]; then
  # Another local account, even one that could find the socket, is refused.
  if runuser -u nobody -- psql "$SIBERIUS_PG" -XAtc 'SELECT 1' >/dev/null 2>&1; then
    fail "user nobody connected"
  else
    pass "user nobody cannot connect"
  fi
  if runuser -u nobody -- test -x "$parent" 2>/dev/null; then
    fail "user nobody can enter the data folder's parent"
  else
    pass "user nobody cannot enter the data folder's parent (postgres got search permission alone, by ACL)"
  fi
  # Reaching the socket is not enough either: peer authentication admits only
  # the mapped OS users. Opening the folders and the socket to all shows it.
  chmod 0777 "$work" "$sock" "$parent" "$data" "$sock/.s.PGSQL.$port"
  out=$(runuser -u nobody -- psql "host=$sock port=$port user=siberius dbname=siberius" -XAtc 'SELECT 1' 2>&1)
  case $out in
    *"Peer authentication failed"*) pass "user nobody refused by peer authentication once the socket is opened to all" ;;
    *) fail "user nobody with the socket opened to all: $out" ;;
  esac
  chmod 0700 "$work" "$sock" "$parent" "$sock/.s.PGSQL.$port"
else
  echo "INFO: not root, so the checks as another local user (nobody) are not possible here"
fi

echo
if [ $failures = 0 ]; then echo "pg_private_test: all checks passed"; exit 0; fi
echo "pg_private_test: $failures check(s) failed"; exit 1
