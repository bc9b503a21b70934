# The libFuzzer build (fuzz/README.md): clang-14 with ASan and UBSan, only
# the fuzz targets and the code they test. Sourced by scripts/test and
# bench/fuzz.sh after scripts/lib/deps.sh (SIBERIUS_ROOT set).

# siberius_fuzz_build DIR: configures (once) and builds the fuzz targets.
siberius_fuzz_build() {
  local build_dir=$1
  local launcher=()
  command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$SIBERIUS_ROOT" -B "$build_dir" -DSIBERIUS_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++-14 "${launcher[@]}" >/dev/null
  # The build carries debug info (for the sanitizers' reports), which makes
  # ccache key objects by folder unless told not to: without this a second
  # clone or build folder would compile everything again.
  CCACHE_NOHASHDIR=true cmake --build "$build_dir" -j "$(nproc)"
}
