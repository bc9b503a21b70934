#!/usr/bin/env bash
# Builds the Windows installer of the office daemon with NSIS (Debian package
# nsis) from BUILD_DIR/dist/siberius-daemon.exe and siberius-pdf-reader.exe
# (scripts/build-windows), into BUILD_DIR/dist/siberius-daemon-setup-<version>.exe,
# the version being the one of project() in the top-level CMakeLists.txt.
# Prints the installer's path.
#
#   daemon/windows/make-installer.sh [BUILD_DIR]     (default <repo>/build-windows)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

case ${1:-} in
  -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
esac
build_dir=${1:-$root/build-windows}

fail() { echo "make-installer: $*" >&2; exit 1; }

command -v makensis >/dev/null 2>&1 ||
  fail "makensis not found (Debian: apt-get install nsis)"
[ -d "$build_dir" ] || fail "no build folder $build_dir (run scripts/build-windows first)"
build_dir=$(cd "$build_dir" && pwd)
dist=$build_dir/dist
for exe in siberius-daemon.exe siberius-pdf-reader.exe; do
  [ -f "$dist/$exe" ] || fail "missing $dist/$exe (run scripts/build-windows \"$build_dir\")"
done

version=$(sed -nE 's/^[[:space:]]*project[[:space:]]*\([[:space:]]*siberius[[:space:]]+VERSION[[:space:]]+([0-9]+(\.[0-9]+){1,3}).*/\1/p' \
  "$root/CMakeLists.txt" | head -n 1)
[ -n "$version" ] || fail "no 'project(siberius VERSION x.y.z' in $root/CMakeLists.txt"
# VIProductVersion takes exactly four numbers: the script adds ".0" to three.
case $version in
  *.*.*.*) fail "version $version: use three numbers (x.y.z)" ;;
  *.*.*) ;;
  *) version=$version.0 ;;
esac

out=$dist/siberius-daemon-setup-$version.exe
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# -INPUTCHARSET UTF8: the script's Portuguese texts; -NOCD: paths stay as given.
if ! makensis -NOCD -INPUTCHARSET UTF8 -V2 \
    -DVERSION="$version" -DDIST="$dist" -DOUTFILE="$out" \
    "$here/siberius.nsi" >"$log" 2>&1; then
  cat "$log" >&2
  fail "makensis failed"
fi
# warnings (-V2 prints nothing else) are worth seeing
[ -s "$log" ] && cat "$log" >&2
echo "$out"
