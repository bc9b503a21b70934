#!/usr/bin/env bash
# Builds the static 64-bit Windows libraries the daemon links against, from
# Debian's own source packages, with Debian's mingw-w64 cross compiler: CAF
# (core), poppler-cpp (with freetype and a minimal iconv of ours) and OpenSSL.
# They go into a prefix in a cache outside the clone, one per key (source
# versions, compiler, these files); a rerun whose prefix is complete does
# nothing. See scripts/windows/README.md.
#
# usage: scripts/windows/deps.sh                 build (if needed) and print the prefix
#        scripts/windows/deps.sh --print-prefix  print only the prefix; fails if not built
#        scripts/windows/deps.sh --new-pins      print pin lines for what Debian serves now
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SIBERIUS_ROOT=$(cd "$here/../.." && pwd)
me=scripts/windows/deps.sh

# The Debian source packages, pinned. The orig tarball is upstream's release
# as Debian ships it; apt-get checks every file it downloads against the
# checksums in the Sources index, whose Release file is signed by the Debian
# archive key, and this script checks them once more against the sha256
# below, so a moved package is noticed rather than silently built.
# Where a Debian tarball is pinned too, its debian/patches (security fixes for
# code that reads untrusted files) are applied; CAF's Debian tarball is not
# served (404) and OpenSSL's upstream 3.0.22 is taken as released.
# To move a pin: scripts/windows/deps.sh --new-pins, then paste its lines here.
#   package         Debian version          upstream  orig sha256 / debian tarball sha256 (- = not used)
PINS=(
  "actor-framework 0.17.6-2.1             0.17.6   e2bf5bd243f08bb7d8adde197cfe3e6d71314ed3378fe0692f8932f4c3b3928c -"
  "freetype        2.12.1+dfsg-5+deb12u4  2.12.1   7dedb6b9adf331559daea614a83b8de42a753e685ec8e1c4bdb4529eb880b0d1 c625a97a78e4c74acd32e5b63b3973c9ea8a5c3d7b7f8f7c02def4421589c61b"
  "poppler         22.12.0-2+deb12u3      22.12.0  d9aa9cacdfbd0f8e98fc2b3bb008e645597ed480685757c3e7bc74b4278d15c0 2028e5351ad7c0e4c1166776468d810dd5bcb981dbcdc91189277cfcfec614a2"
  "openssl         3.0.22-1~deb12u2       3.0.22   67ebca7e50d17383028045486653492195b83db95f8558709701bb47b5c1ef81 -"
)
# Boost (Asio), nlohmann/json and CLI11 are header-only: the daemon's Windows
# build uses Debian's own headers for them, so nothing is built here.

TRIPLE=x86_64-w64-mingw32
CC_WIN=$TRIPLE-gcc-posix
CXX_WIN=$TRIPLE-g++-posix
SYSROOT=/usr/$TRIPLE
JOBS=2
APT_PACKAGES=(g++-mingw-w64-x86-64-posix libz-mingw-w64-dev cmake ninja-build make perl patch xz-utils)

die() { echo "$me: $*" >&2; exit 1; }

mode=build
case "${1:-}" in
  "") ;;
  --print-prefix) mode=print ;;
  --new-pins) mode=new-pins ;;
  -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown option $1 (try --help)" ;;
esac

cache=${SIBERIUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/siberius}/windows

pin() { # pin PACKAGE: sets debver, upver, orig_sha, deb_sha
  local line name
  for line in "${PINS[@]}"; do
    read -r name debver upver orig_sha deb_sha <<<"$line"
    [ "$name" = "$1" ] && return 0
  done
  die "no pin for $1"
}

# The key: every input that changes what gets built. Readable versions first,
# then a hash of the full pins, the mingw packages and these files.
build_key() {
  local gcc_pkg crt_pkg zlib_pkg inputs
  gcc_pkg=$(dpkg-query -W -f='${Version}' g++-mingw-w64-x86-64-posix 2>/dev/null) || return 1
  crt_pkg=$(dpkg-query -W -f='${Version}' mingw-w64-x86-64-dev 2>/dev/null) || return 1
  zlib_pkg=$(dpkg-query -W -f='${Version}' libz-mingw-w64-dev 2>/dev/null) || return 1
  inputs=$(printf '%s\n' "${PINS[@]}" "gcc $gcc_pkg" "crt $crt_pkg" "zlib $zlib_pkg"
    cd "$here" && find . -type f ! -name README.md -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  local caf ft pop ossl
  pin actor-framework; caf=$upver
  pin freetype; ft=$upver
  pin poppler; pop=$upver
  pin openssl; ossl=$upver
  echo "caf$caf-freetype$ft-poppler$pop-openssl$ossl-gcc${gcc_pkg%%-*}-$(sha256sum <<<"$inputs" | cut -c1-12)"
}

if [ "$mode" = print ]; then
  key=$(build_key) || die "the mingw-w64 compiler is not installed: run $me first"
  [ -f "$cache/$key/siberius-windows-deps.stamp" ] || die "not built yet for key $key: run $me first"
  echo "$cache/$key"
  exit 0
fi

source "$SIBERIUS_ROOT/scripts/lib/deps.sh"
siberius_apt_install_missing "${APT_PACKAGES[@]}"

key=$(build_key) || die "the mingw-w64 compiler is still missing after installing it"
prefix=$cache/$key
stamp=$prefix/siberius-windows-deps.stamp
if [ "$mode" = build ] && [ -f "$stamp" ]; then
  echo "siberius: Windows libraries already built, nothing to do"
  echo "  prefix: $prefix"
  exit 0
fi

# --- Debian sources, through a private apt folder -------------------------
# The system's sources are copied with Types: deb-src into $apt; the system's
# apt configuration and package lists are left as they are.
apt_dir=$cache/apt
apt_opts=(-o "Dir::Etc::sourceparts=$apt_dir/sources.list.d" -o Dir::Etc::sourcelist=/dev/null
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")
# As root apt would try to download as its _apt user, who cannot enter a
# home folder, and warn; downloading as root is what it falls back to anyway.
[ "$(id -u)" -eq 0 ] && apt_opts+=(-o APT::Sandbox::User=root)
# Steps run in subshells, so "already updated in this run" is a file.
private_apt_update() {
  [ -n "${work:-}" ] && [ -f "$work/apt-updated" ] && return 0
  mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  rm -f "$apt_dir/sources.list.d/"*
  local found=no f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sed 's/^Types:.*/Types: deb-src/' "$f" >"$apt_dir/sources.list.d/$(basename "$f")"
    found=yes
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -n 's/^deb /deb-src /p' "$f" >"$apt_dir/sources.list.d/$(basename "$f")"
    found=yes
  done
  if [ "$found" = no ]; then
    echo "no apt sources found under /etc/apt to derive deb-src entries from" >&2
    return 1
  fi
  if ! apt-get "${apt_opts[@]}" update; then
    echo "apt-get update of the private deb-src lists in $apt_dir failed" >&2
    return 1
  fi
  if [ -n "${work:-}" ]; then touch "$work/apt-updated"; fi
}

# Versions of a source package that Debian serves now.
served_versions() {
  apt-cache "${apt_opts[@]}" showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -u
}
newest_version() {
  local v best=""
  for v in $(served_versions "$1"); do
    if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
  done
  echo "$best"
}

# Downloads PACKAGE=VERSION into DIR. apt-get fails when any file of the
# package is missing on the mirror (CAF's and OpenSSL's Debian tarballs are),
# so success is judged by the files that are needed being there.
apt_download() {
  local pkg=$1 ver=$2 dir=$3
  mkdir -p "$dir"
  (cd "$dir" && apt-get "${apt_opts[@]}" source --download-only "$pkg=$ver") || true
}

orig_name() { # orig_name PACKAGE DEBVER DIR: the orig tarball in DIR, any compression
  local f v=${2#*:}
  for f in "$3/$1_${v%-*}".orig.tar.*; do
    case "$f" in *.asc) continue ;; esac
    [ -f "$f" ] && { echo "$f"; return 0; }
  done
  return 1
}

if [ "$mode" = new-pins ]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  private_apt_update >"$scratch/update.log" 2>&1 || { cat "$scratch/update.log" >&2; exit 1; }
  for line in "${PINS[@]}"; do
    read -r name debver upver orig_sha deb_sha <<<"$line"
    ver=$(newest_version "$name")
    [ -n "$ver" ] || die "Debian serves no source package named $name"
    apt_download "$name" "$ver" "$scratch/$name" >/dev/null 2>&1
    orig=$(orig_name "$name" "$ver" "$scratch/$name") || die "$name $ver: the orig tarball did not download"
    new_deb=-
    if [ "$deb_sha" != - ]; then
      [ -f "$scratch/$name/${name}_${ver#*:}.debian.tar.xz" ] || die "$name $ver: its Debian tarball did not download"
      new_deb=$(sha256sum <"$scratch/$name/${name}_${ver#*:}.debian.tar.xz" | cut -d' ' -f1)
    fi
    up=${ver#*:}; up=${up%-*}; up=${up%+dfsg*}
    printf '  "%-15s %-22s %-8s %s %s"\n' "$name" "$ver" "$up" "$(sha256sum <"$orig" | cut -d' ' -f1)" "$new_deb"
  done
  exit 0
fi

# --- Build ---------------------------------------------------------------
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9 # a second run waits here, then finds the stamp
if [ -f "$stamp" ]; then
  echo "siberius: Windows libraries already built, nothing to do"
  echo "  prefix: $prefix"
  exit 0
fi

sources=$cache/sources
work=$cache/work/$key
logs=$cache/logs/$key
# Under the lock nothing else builds: build trees left by failed runs, and
# prefixes that never completed, only take space.
rm -rf "$cache/work" "$logs" "$prefix"
for old in "$cache"/*/; do
  if [ -d "$old/include" ] && [ ! -f "$old/siberius-windows-deps.stamp" ]; then rm -rf "$old"; fi
done
mkdir -p "$sources" "$work" "$logs" "$prefix"
echo "siberius: building the Windows libraries into $prefix"
echo "  logs: $logs"

# run_step NAME COMMAND...: runs it in a subshell with set -e (not inside an
# "if", where bash would ignore set -e) and its output in $logs/NN-NAME.log;
# on failure prints the tail of that log and stops.
step_no=0
run_step() {
  local name=$1 t0=$SECONDS rc log
  shift
  step_no=$((step_no + 1))
  log=$logs/$(printf '%02d' "$step_no")-$name.log
  printf '  %-28s' "$name"
  set +e
  (
    set -e
    "$@"
  ) >"$log" 2>&1
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    echo "FAILED"
    echo "----- last lines of $log -----" >&2
    tail -n 40 "$log" >&2
    echo "-----" >&2
    die "$name failed; full log: $log"
  fi
  echo "$((SECONDS - t0)) s"
}

# fetch PACKAGE: makes sure the pinned files are in $sources with the pinned
# checksums, downloading them through the private apt folder when missing.
fetch() {
  local name=$1
  pin "$name"
  local orig deb=$sources/${name}_${debver#*:}.debian.tar.xz
  if orig=$(orig_name "$name" "$debver" "$sources") && [ "$(sha256sum <"$orig" | cut -d' ' -f1)" = "$orig_sha" ] &&
    { [ "$deb_sha" = - ] || [ "$(sha256sum <"$deb" 2>/dev/null | cut -d' ' -f1)" = "$deb_sha" ]; }; then
    echo "$name $debver: already downloaded"
    return 0
  fi
  private_apt_update || return 1
  local served newest
  served=$(served_versions "$name" | paste -sd ' ' -)
  newest=$(newest_version "$name")
  if ! grep -qxF -- "$debver" <<<"$(served_versions "$name")"; then
    echo "$name: pinned Debian version $debver is no longer served (Debian serves: ${served:-nothing})." >&2
    echo "Update the pin: run $me --new-pins and replace the $name line of PINS in $me," >&2
    echo "then check the build (poppler/CAF/OpenSSL options may need a look on a new upstream version)." >&2
    return 1
  fi
  if [ "$newest" != "$debver" ]; then
    echo "note: Debian serves a newer $name ($newest) than the pin ($debver); $me --new-pins prints its pin" >&2
  fi
  local tmp=$work/download/$name
  apt_download "$name" "$debver" "$tmp"
  orig=$(orig_name "$name" "$debver" "$tmp") || { echo "$name $debver: the orig tarball did not download" >&2; return 1; }
  local got
  got=$(sha256sum <"$orig" | cut -d' ' -f1)
  if [ "$got" != "$orig_sha" ]; then
    echo "$name $debver: $(basename "$orig") has sha256 $got, the pin says $orig_sha." >&2
    echo "Debian changed the upstream tarball without changing the version: check why before" >&2
    echo "updating the pin ($me --new-pins prints it)." >&2
    return 1
  fi
  if [ "$deb_sha" != - ]; then
    local tmp_deb
    tmp_deb=$tmp/$(basename "$deb")
    [ -f "$tmp_deb" ] || { echo "$name $debver: its Debian tarball did not download" >&2; return 1; }
    got=$(sha256sum <"$tmp_deb" | cut -d' ' -f1)
    [ "$got" = "$deb_sha" ] || { echo "$name $debver: $(basename "$deb") has sha256 $got, the pin says $deb_sha" >&2; return 1; }
    mv "$tmp_deb" "$deb"
  fi
  mv "$orig" "$sources/"
  echo "$name $debver: downloaded and checked"
}

# unpack PACKAGE DIR: the orig tarball into DIR, and Debian's patches when the
# Debian tarball is pinned. Patches for parts that are not in the main orig
# tarball (freetype's ft2demos/ft2docs components) are skipped by name.
unpack() {
  local name=$1 dir=$2 orig
  pin "$name"
  orig=$(orig_name "$name" "$debver" "$sources")
  mkdir -p "$dir"
  tar -xf "$orig" -C "$dir" --strip-components=1
  [ "$deb_sha" = - ] && return 0
  tar -xf "$sources/${name}_${debver#*:}.debian.tar.xz" -C "$dir"
  local patch targets target present
  while read -r patch _; do
    case "$patch" in '' | '#'*) continue ;; esac
    # The top folders the patch writes to; skipped when none is in the tree.
    targets=$(sed -n 's|^+++ [^/]*/\([^/]*\)/.*|\1|p' "$dir/debian/patches/$patch" | sort -u)
    present=no
    for target in $targets; do [ -e "$dir/$target" ] && present=yes; done
    if [ -n "$targets" ] && [ "$present" = no ]; then
      echo "skipped $patch (touches only ${targets//$'\n'/ }, not in the orig tarball)"
      continue
    fi
    echo "applying $patch"
    patch -d "$dir" -p1 --forward --batch <"$dir/debian/patches/$patch"
  done <"$dir/debian/patches/series"
}

cmake_windows() { # cmake_windows SOURCE BUILD OPTIONS...
  local src=$1 build=$2
  shift 2
  cmake -S "$src" -B "$build" -G Ninja --toolchain "$here/mingw-w64.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_ROOT_PATH="$prefix" \
    -DBUILD_SHARED_LIBS=OFF "$@"
}
cmake_build_install() {
  cmake --build "$1" -j "$JOBS" && cmake --install "$1"
}

# Our iconv (see iconv/iconv.h): poppler-cpp needs one and Debian ships none
# for mingw.
build_iconv() {
  mkdir -p "$work/iconv" "$prefix/include" "$prefix/lib"
  $CC_WIN -std=c99 -O2 -Wall -Wextra -c "$here/iconv/iconv.c" -o "$work/iconv/iconv.o"
  rm -f "$prefix/lib/libiconv.a"
  $TRIPLE-ar rcs "$prefix/lib/libiconv.a" "$work/iconv/iconv.o"
  cp "$here/iconv/iconv.h" "$prefix/include/"
}

# zlib is Debian's prebuilt libz-mingw-w64-dev; the static libz.a is named
# explicitly because CMake would otherwise prefer the DLL import library.
ZLIB_OPTS=(-DZLIB_LIBRARY="$SYSROOT/lib/libz.a" -DZLIB_INCLUDE_DIR="$SYSROOT/include")

build_freetype() {
  cmake_windows "$work/src/freetype" "$work/build/freetype" "${ZLIB_OPTS[@]}" \
    -DFT_REQUIRE_ZLIB=ON -DFT_DISABLE_BZIP2=ON -DFT_DISABLE_PNG=ON -DFT_DISABLE_HARFBUZZ=ON \
    -DFT_DISABLE_BROTLI=ON &&
    cmake_build_install "$work/build/freetype"
}

# Only the core library and poppler-cpp: text, word boxes, document info.
# No renderers' extra image codecs, no colour management, no signatures, no
# utilities, no other bindings. The DCT (JPEG) and JPX decoders are left out:
# images are not decoded to read text.
build_poppler() {
  # pkg-config may only see the prefix, never the build machine's .pc files.
  PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig PKG_CONFIG_PATH="" \
    cmake_windows "$work/src/poppler" "$work/build/poppler" "${ZLIB_OPTS[@]}" \
    -DICONV_INCLUDE_DIR="$prefix/include" -DICONV_LIBRARIES="$prefix/lib/libiconv.a" \
    -DFREETYPE_INCLUDE_DIRS="$prefix/include/freetype2" -DFREETYPE_LIBRARY="$prefix/lib/libfreetype.a" \
    -DENABLE_CPP=ON -DENABLE_UTILS=OFF -DENABLE_GLIB=OFF -DENABLE_GOBJECT_INTROSPECTION=OFF \
    -DENABLE_QT5=OFF -DENABLE_QT6=OFF -DENABLE_BOOST=OFF -DENABLE_LIBCURL=OFF \
    -DENABLE_LIBOPENJPEG=none -DENABLE_CMS=none -DENABLE_DCTDECODER=none \
    -DWITH_Cairo=OFF -DWITH_JPEG=OFF -DWITH_PNG=OFF -DWITH_TIFF=OFF -DWITH_NSS3=OFF \
    -DBUILD_GTK_TESTS=OFF -DBUILD_QT5_TESTS=OFF -DBUILD_QT6_TESTS=OFF -DBUILD_CPP_TESTS=OFF \
    -DBUILD_MANUAL_TESTS=OFF -DRUN_GPERF_IF_PRESENT=OFF -DENABLE_RELOCATABLE=OFF &&
    cmake_build_install "$work/build/poppler"
}

# libcrypto (SHA-256) and libssl (the TLS client for WebSocket and HTTPS).
# Left out: shared libraries, loadable modules and engines, the legacy
# provider, compression, DTLS, SRP, console password prompts, tests; only the
# libraries and headers are built (no openssl.exe, no docs).
build_openssl() {
  local build=$work/build/openssl
  mkdir -p "$build"
  (cd "$build" &&
    "$work/src/openssl/Configure" mingw64 \
      CC=$CC_WIN AR=$TRIPLE-ar RANLIB=$TRIPLE-ranlib RC=$TRIPLE-windres \
      --prefix="$prefix" --libdir=lib \
      no-shared no-module no-dso no-engine no-legacy no-comp no-dtls no-srp no-ui-console no-tests &&
    make -j "$JOBS" build_libs &&
    make install_dev)
}

# CAF core only: no io (the daemon talks to the server over Boost.Beast), no
# OpenSSL/OpenCL/Python bindings, no tools, examples or tests.
build_caf() {
  cmake_windows "$work/src/actor-framework" "$work/build/actor-framework" \
    -DCAF_BUILD_STATIC_ONLY=ON -DCAF_NO_IO=ON -DCAF_NO_OPENSSL=ON -DCAF_NO_OPENCL=ON \
    -DCAF_NO_PYTHON=ON -DCAF_NO_TOOLS=ON -DCAF_NO_EXAMPLES=ON -DCAF_NO_UNIT_TESTS=ON \
    -DCAF_NO_SUMMARY=ON &&
    cmake_build_install "$work/build/actor-framework"
}

# A static .exe using each library the way the daemon will (verify.cpp).
# Link order: poppler-cpp before poppler before freetype/iconv/zlib; ssl
# before crypto; then the Windows system libraries they use.
# (CAF's scheduler reads memory use through psapi.)
build_verify() {
  mkdir -p "$prefix/bin"
  $CXX_WIN -std=c++17 -O2 -static -s -isystem "$prefix/include" -isystem "$prefix/include/poppler/cpp" \
    "$here/verify.cpp" -o "$prefix/bin/siberius-windows-deps-verify.exe" \
    -L"$prefix/lib" -lcaf_core_static -lpoppler-cpp -lpoppler -lfreetype -liconv -lz \
    -lssl -lcrypto -lws2_32 -lcrypt32 -lgdi32 -ladvapi32 -luser32 -liphlpapi -lpsapi
}

for package in actor-framework freetype poppler openssl; do
  run_step "fetch-$package" fetch "$package"
  run_step "unpack-$package" unpack "$package" "$work/src/$package"
done
run_step build-iconv build_iconv
run_step build-freetype build_freetype
run_step build-poppler build_poppler
run_step build-openssl build_openssl
run_step build-caf build_caf
run_step build-verify build_verify

verify_log=$logs/verify-run.log
if command -v wine >/dev/null 2>&1; then
  wineprefix=$work/wineprefix
  # Bounded: a hang must fail the build, not stall it; and the prefix's
  # wineserver goes with the run (it would hold the log open otherwise).
  if WINEPREFIX=$wineprefix WINEDEBUG=-all timeout 300 wine "$prefix/bin/siberius-windows-deps-verify.exe" \
    >"$verify_log" 2>&1 </dev/null; then
    WINEPREFIX=$wineprefix wineserver -k 2>/dev/null || true
    sed 's/^/  /' "$verify_log"
  else
    WINEPREFIX=$wineprefix wineserver -k 2>/dev/null || true
    tail -n 40 "$verify_log" >&2
    die "the verification program failed (or hung) under wine; full log: $verify_log"
  fi
else
  echo "  verify: wine is not installed, so $prefix/bin/siberius-windows-deps-verify.exe was linked but not run"
fi

# The sources and build trees are not needed any more; the downloads stay in
# $sources for the next key.
rm -rf "$work"
{
  echo "key $key"
  printf 'pin %s\n' "${PINS[@]}"
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$stamp"
echo "siberius: Windows libraries built in $((SECONDS / 60)) min $((SECONDS % 60)) s"
echo "  prefix: $prefix"
