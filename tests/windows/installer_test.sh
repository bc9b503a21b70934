#!/usr/bin/env bash
# The Windows installer under Wine: builds it (daemon/windows/make-installer.sh),
# then in a fresh WINEPREFIX: silent install with values, an upgrade giving only
# a new token, silent uninstall keeping the configuration, reinstall, and
# uninstall with /PURGE. Prints PASS/FAIL/INFO lines; exits 1 on any failure,
# 77 (skipped) without wine or makensis.
#
#   tests/windows/installer_test.sh [BUILD_DIR]    (default <repo>/build-windows,
#                                                   built by scripts/build-windows)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${1:-$ROOT/build-windows}

for tool in wine wineserver makensis; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not found"
    exit 77
  fi
done

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
info() { echo "INFO: $*"; }
check() { # check "what" command...
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

installer=$("$ROOT/daemon/windows/make-installer.sh" "$build_dir") || {
  echo "FAIL: building the installer (make-installer.sh \"$build_dir\")"
  exit 1
}
pass "installer built: $installer"

work=$(mktemp -d /tmp/siberius-installer-test.XXXXXX)
export WINEPREFIX=$work/prefix
export WINEDEBUG=-all
# Wine decodes the command line with the locale's charset: UTF-8 for the
# accented folder name.
export LC_ALL=C.UTF-8
mkdir -p "$WINEPREFIX"
cleanup() {
  wineserver -k >/dev/null 2>&1
  wineserver -w >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# Wine's messages about the missing 32-bit part are not ours.
wine_quiet() { wine "$@" 2> >(grep -v -e wine32 -e multiarch -e 'dpkg --add' -e 'apt-get install' \
  -e syswow64 -e 'has been updated' >&2); }
winpath() { local p=${1//\//\\}; echo "Z:$p"; }

drive=$WINEPREFIX/drive_c
progdir=$drive/Program\ Files/Siberius
datadir=$drive/ProgramData/Siberius
envfile=$datadir/daemon.env
service_key='HKLM\System\CurrentControlSet\Services\SiberiusDaemon'
uninst_key='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\SiberiusDaemon'

pdfdir="$work/Orçamento São João"
mkdir -p "$pdfdir"
url=http://127.0.0.1:9        # a closed port: the daemon keeps retrying
token=tok-first-0123456789

# The value of KEY in daemon.env, quotes removed.
env_value() {
  sed -n "s/^$1=//p" "$envfile" | tr -d '\r' | tail -n 1 | sed -e "s/^'\(.*\)'\$/\1/" -e 's/^"\(.*\)"$/\1/'
}
check_env() { # check_env KEY expected
  local got
  got=$(env_value "$1")
  if [ "$got" = "$2" ]; then pass "daemon.env $1=$2"; else fail "daemon.env $1: expected '$2', got '$got'"; fi
}
reg_query() { wine_quiet reg query "$@" 2>/dev/null | tr -d '\r'; }
show_installer_log() {
  [ -f "$datadir/logs/installer.log" ] && sed 's/^/    | /' "$datadir/logs/installer.log"
}

# ---------------------------------------------------------------- install
echo "== silent install (first start of the Wine prefix takes a few seconds)"
wine_quiet "$installer" /S "/SERVER_URL=$url" "/TOKEN=$token" "/PDF_DIRECTORY=$(winpath "$pdfdir")"
rc=$?
if [ $rc = 0 ]; then pass "silent install exit code 0"; else fail "silent install exit code $rc"; show_installer_log; fi

for f in siberius-daemon.exe siberius-pdf-reader.exe Uninstall.exe; do
  check "installed: Program Files/Siberius/$f" test -f "$progdir/$f"
done
check "daemon.env exists" test -f "$envfile"
check_env SERVER_URL "$url"
check_env DAEMON_TOKEN "$token"
check_env PDF_DIRECTORY "$(winpath "$pdfdir")"
if [ -f "$envfile" ] && ! head -c 3 "$envfile" | grep -q $'\xef\xbb\xbf'; then
  pass "daemon.env has no byte order mark (the daemon reads plain UTF-8)"
else
  fail "daemon.env starts with a byte order mark"
fi
check "logs folder created" test -d "$datadir/logs"

svc=$(reg_query "$service_key")
image=$(sed -n 's/^ *ImagePath *REG_[A-Z_]* *//p' <<<"$svc")
if grep -q -- '--service --config' <<<"$image" && grep -qi 'siberius-daemon.exe' <<<"$image"; then
  pass "service SiberiusDaemon registered: ImagePath $image"
else
  fail "service SiberiusDaemon not registered (reg query: ${svc:-nothing})"
fi
grep -qi 'daemon.env' <<<"$image" && pass "service uses C:\\ProgramData\\Siberius\\daemon.env" ||
  fail "service ImagePath does not name daemon.env"
account=$(sed -n 's/^ *ObjectName *REG_SZ *//p' <<<"$svc")
[ "$account" = 'NT AUTHORITY\LocalService' ] && pass "service account $account" ||
  fail "service account: '$account'"
start=$(sed -n 's/^ *Start *REG_DWORD *//p' <<<"$svc")
[ "$start" = 0x2 ] && pass "service start type automatic (Start=0x2)" || fail "service Start=$start"
delayed=$(sed -n 's/^ *DelayedAutostart *REG_DWORD *//p' <<<"$svc")
[ "$delayed" = 0x1 ] && pass "service delayed start (DelayedAutostart=0x1)" ||
  info "DelayedAutostart not in the registry under Wine ('$delayed'): Wine keeps it elsewhere or ignores it"
reg_query 'HKLM\System\CurrentControlSet\Services\EventLog\Application\Siberius' | grep -q EventMessageFile &&
  pass "event log source Siberius registered" || fail "event log source Siberius not registered"

uninst=$(reg_query "$uninst_key")
if grep -q 'UninstallString' <<<"$uninst" && grep -q 'DisplayVersion' <<<"$uninst"; then
  pass "Add/Remove Programs entry: $(sed -n 's/^ *DisplayName *REG_SZ *//p' <<<"$uninst") $(sed -n 's/^ *DisplayVersion *REG_SZ *//p' <<<"$uninst")"
else
  fail "uninstall key $uninst_key missing"
fi

log=$datadir/logs/installer.log
if grep -q 'daemon.env: access limited .*\[api\]' "$log" 2>/dev/null; then
  pass "ACL of daemon.env applied through SetNamedSecurityInfoW (installer.log)"
  info "Wine keeps no Windows ACLs on files (it maps them to Unix mode bits; its icacls/cacls are stubs), so who may read daemon.env is not verifiable here"
else
  fail "ACL of daemon.env not applied (installer.log: $(grep -i 'daemon.env:' "$log" 2>/dev/null))"
fi
if grep -q 'siberius-daemon --check (exit 1)' "$log" 2>/dev/null && grep -q 'connection:' "$log"; then
  pass "connection test ran, its failure (closed port) was reported and the install went on"
else
  fail "connection test result not in installer.log"
fi

# The service: Wine's service manager starts it (sc start in the installer).
started=0
for _ in $(seq 1 30); do
  if grep -q 'daemon:starting' "$datadir/logs/daemon.log" 2>/dev/null; then started=1; break; fi
  sleep 1
done
if [ $started = 1 ]; then
  pass "service started: logs/daemon.log has daemon:starting"
  grep -q 'service state: 4' "$log" && pass "installer saw the service running (state 4)" ||
    fail "installer did not see the service running: $(grep 'service state' "$log")"
else
  fail "service did not start: no daemon:starting in logs/daemon.log"
  show_installer_log
  wine_quiet sc query SiberiusDaemon | tr -d '\r' | sed 's/^/    sc| /'
fi

# ---------------------------------------------------------------- upgrade
echo "== upgrade: silent install again with only a new token"
token2=tok-second-9876543210
wine_quiet "$installer" /S "/TOKEN=$token2"
rc=$?
if [ $rc = 0 ]; then pass "upgrade exit code 0"; else fail "upgrade exit code $rc"; show_installer_log; fi
check_env DAEMON_TOKEN "$token2"
check_env SERVER_URL "$url"
check_env PDF_DIRECTORY "$(winpath "$pdfdir")"
n=$(grep -c '^DAEMON_TOKEN=' "$envfile")
[ "$n" = 1 ] && pass "token replaced in place (one DAEMON_TOKEN line)" || fail "$n DAEMON_TOKEN lines"
grep -q '^# Siberius daemon configuration' "$envfile" && pass "daemon.env's other lines kept" ||
  fail "daemon.env's comment lines lost"
last_state=$(grep 'service state' "$log" | tail -n 1)
[[ $last_state == *'state: 4'* ]] && pass "service running again after the upgrade" ||
  fail "service after the upgrade: $last_state"

# ---------------------------------------------------------------- uninstall, keeping the configuration
echo "== silent uninstall (keeps the configuration)"
stops_before=$(grep -c 'daemon:stopped' "$datadir/logs/daemon.log" 2>/dev/null)
# _?= runs the uninstaller in place and waits for it (it cannot delete itself
# then). NSIS wants it last and unquoted, while wine quotes an argument holding
# a space: given in two pieces, wine joins them with the space, unquoted.
wine_quiet "$progdir/Uninstall.exe" /S '_?=C:\Program' 'Files\Siberius'
rc=$?
[ $rc = 0 ] && pass "uninstall exit code 0" || fail "uninstall exit code $rc"
for f in siberius-daemon.exe siberius-pdf-reader.exe; do
  check "removed: Program Files/Siberius/$f" test ! -e "$progdir/$f"
done
rm -f "$progdir/Uninstall.exe" && rmdir "$progdir" 2>/dev/null # left by _?= by design
if reg_query "$service_key" | grep -q ImagePath; then fail "service key still present"; else pass "service SiberiusDaemon removed"; fi
if reg_query "$uninst_key" | grep -q UninstallString; then fail "uninstall key still present"; else pass "uninstall key removed"; fi
check "daemon.env kept" test -f "$envfile"
check_env DAEMON_TOKEN "$token2"
if grep -q 'daemon:crash' "$datadir/logs/daemon.log" 2>/dev/null; then
  fail "the daemon crashed: $(grep 'daemon:crash' "$datadir/logs/daemon.log" | head -n 1)"
else
  pass "no daemon:crash in daemon.log (start, upgrade, stop)"
fi
stops_after=$(grep -c 'daemon:stopped' "$datadir/logs/daemon.log" 2>/dev/null)
if [ "${stops_after:-0}" -gt "${stops_before:-0}" ]; then
  pass "service stopped cleanly on uninstall (a new daemon:stopped line in daemon.log)"
else
  fail "no new daemon:stopped line in daemon.log after the uninstall"
fi

# ---------------------------------------------------------------- reinstall + purge
echo "== reinstall with the kept configuration, then uninstall with /PURGE"
wine_quiet "$installer" /S
rc=$?
[ $rc = 0 ] && pass "reinstall without values (kept daemon.env) exit code 0" || { fail "reinstall exit code $rc"; show_installer_log; }
check "reinstalled: siberius-daemon.exe" test -f "$progdir/siberius-daemon.exe"
check_env DAEMON_TOKEN "$token2"
reg_query "$service_key" | grep -q ImagePath && pass "service registered again" || fail "service not registered again"

# Without _?= (as Add/Remove Programs runs it): the uninstaller copies itself to
# %TEMP% and returns at once, so wait for its work.
# daemon.log goes with the data folder: follow it to see how the service ended.
tail -n 0 -F "$datadir/logs/daemon.log" >"$work/purge-daemon.log" 2>/dev/null &
follower=$!
wine_quiet "$progdir/Uninstall.exe" /S /PURGE
# Generous: on a loaded machine the copy in %TEMP% can take a while to start.
for _ in $(seq 1 180); do
  [ ! -e "$progdir" ] && [ ! -e "$datadir" ] && break
  sleep 1
done
check "uninstall /PURGE: Program Files/Siberius removed" test ! -e "$progdir"
check "uninstall /PURGE: ProgramData/Siberius removed" test ! -e "$datadir"
if [ -e "$progdir" ] || [ -e "$datadir" ]; then
  echo "    left behind:"
  find "$progdir" "$datadir" 2>/dev/null | sed 's/^/    | /'
  echo "    Wine processes:"
  ps -eo pid,etimes,args | grep -i -e '\.exe' -e wine | grep -v grep | sed 's/^/    | /'
  echo "    pending renames (deleted at the next restart):"
  reg_query 'HKLM\System\CurrentControlSet\Control\Session Manager' | grep -i -A3 PendingFileRename | sed 's/^/    | /'
  tail -n 5 "$datadir/logs/daemon.log" 2>/dev/null | sed 's/^/    log| /'
fi
kill "$follower" 2>/dev/null
wait "$follower" 2>/dev/null
if grep -q 'daemon:crash' "$work/purge-daemon.log"; then
  fail "the daemon crashed on the /PURGE stop: $(grep 'daemon:crash' "$work/purge-daemon.log" | head -n 1)"
elif grep -q 'daemon:stopped' "$work/purge-daemon.log"; then
  pass "service stopped cleanly on the /PURGE uninstall (daemon:stopped, no daemon:crash)"
else
  fail "no daemon:stopped in daemon.log during the /PURGE uninstall"
fi
if reg_query "$service_key" | grep -q ImagePath; then fail "service key still present after /PURGE"; else pass "service removed"; fi

# ---------------------------------------------------------------- refusals
echo "== a first silent install without values is refused"
wine_quiet "$installer" /S "/SERVER_URL=$url"
rc=$?
[ $rc = 2 ] && pass "missing values: exit code 2" || fail "missing values: exit code $rc (expected 2)"
check "missing values: nothing installed" test ! -e "$progdir/siberius-daemon.exe"
check "missing values: no daemon.env" test ! -e "$envfile"

echo
if [ $failures = 0 ]; then
  echo "installer_test: all checks passed"
  exit 0
fi
echo "installer_test: $failures check(s) failed"
exit 1
