# Installs the Debian packages Siberius needs, only when something is missing.
# Sourced by scripts/run and scripts/test.

SIBERIUS_APT_PACKAGES=(
  build-essential cmake pkg-config
  libcaf-dev libboost1.81-dev libhowardhinnant-date-dev
  libpqxx-dev libpoppler-cpp-dev nlohmann-json3-dev libssl-dev libargon2-dev libcli11-dev libjemalloc-dev
  postgresql poppler-utils curl jq ccache acl
)

# What only the tests need: Debian's Chromium (the web app's browser tests
# drive it; no browser is downloaded from elsewhere) and a font for it; Wine
# and NSIS for the Windows daemon's tests (tests/windows/); the mingw-w64
# compilers come with scripts/windows/deps.sh. clang-14 and its compiler-rt
# (libFuzzer, ASan, UBSan) build the fuzz targets (fuzz/README.md). nginx,
# lintian and systemd's analyzer test the production setup (tests/deploy/).
SIBERIUS_TEST_APT_PACKAGES=(chromium fonts-dejavu-core wine wine64 nsis clang-14 libclang-rt-14-dev
  nginx lintian systemd)

# siberius_install_deps [test]
siberius_install_deps() {
  local wanted=("${SIBERIUS_APT_PACKAGES[@]}")
  [ "${1:-}" = test ] && wanted+=("${SIBERIUS_TEST_APT_PACKAGES[@]}")
  # Node.js and npm build the web app (ui/) and drive the interop tests with
  # the stock socket.io-client.
  if ! command -v node >/dev/null 2>&1; then wanted+=(nodejs); fi
  if ! command -v npm >/dev/null 2>&1; then wanted+=(npm); fi
  siberius_apt_install_missing "${wanted[@]}"
}

# siberius_apt_install_missing PACKAGE...: installs those not installed yet.
# Also used by scripts/windows/deps.sh.
siberius_apt_install_missing() {
  local p installed missing=()
  # One dpkg-query for all of them: a rerun with nothing missing stays quick.
  installed=" $(dpkg-query -W -f='${Package}:${Status}\n' "$@" 2>/dev/null \
    | sed -n 's/:install ok installed$//p' | tr '\n' ' ' || true) "
  for p in "$@"; do
    [[ $installed == *" $p "* ]] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "siberius: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures (once) and builds into $1 with the given build type.
siberius_build() {
  local build_dir=$1 build_type=$2
  # Configuring again is cheap when nothing changed, and repairs a folder
  # whose last configure was interrupted.
  # ccache keeps compiled objects outside the clone (~/.cache/ccache), so a
  # second build folder or a fresh clone does not compile everything again.
  local launcher=()
  command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$SIBERIUS_ROOT" -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" "${launcher[@]}" >/dev/null
  cmake --build "$build_dir" -j "$(nproc)"
}
