# Builds the web app in ui/ when its sources changed. Sourced by scripts/run
# and scripts/test (after deps.sh has made sure node and npm exist).
#
#   siberius_ui_build   -> ui/dist (index.html, hashed assets, .gz/.br siblings)
#   siberius_ui_test    -> the UI's unit tests (vitest), once
#
# node_modules is installed with `npm ci` when it is missing or package-lock.json
# changed; the build runs only when a hash of the lock file, the sources,
# index.html, public/ and the build config differs from the one stamped in
# ui/dist after the last good build. Quiet on success; on failure the tail of
# the log goes to stderr (the whole log: build/ui-build.log).

_siberius_ui_dir() { echo "$SIBERIUS_ROOT/ui"; }

_siberius_ui_log() {
  mkdir -p "$SIBERIUS_ROOT/build"
  echo "$SIBERIUS_ROOT/build/ui-build.log"
}

# sha256 of the named files and of every file under the named folders (names and contents).
_siberius_ui_hash() {
  local ui; ui=$(_siberius_ui_dir)
  (
    cd "$ui" || exit 1
    find "$@" -type f ! -name '*.test.ts' ! -name '*.test.tsx' -print0 2>/dev/null \
      | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
  )
}

_siberius_ui_deps() {
  local ui log lock_hash stamp
  ui=$(_siberius_ui_dir)
  log=$1
  lock_hash=$(_siberius_ui_hash package-lock.json)
  stamp="$ui/node_modules/.siberius-lock-sha256"
  if [ -d "$ui/node_modules" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
    return 0
  fi
  echo "== npm ci ($(date -u +%FT%TZ))" >>"$log"
  (cd "$ui" && npm ci --no-audit --no-fund --loglevel=error) >>"$log" 2>&1 || return 1
  echo "$lock_hash" >"$stamp"
}

siberius_ui_build() {
  local ui log hash stamp rc
  ui=$(_siberius_ui_dir)
  log=$(_siberius_ui_log)
  : >"$log"
  if ! command -v npm >/dev/null 2>&1; then
    echo "siberius: npm is missing; install Node.js and npm (Debian: apt-get install nodejs npm)" >&2
    return 1
  fi
  # One build at a time (scripts/run and scripts/test may start together).
  exec {_siberius_ui_fd}>"$SIBERIUS_ROOT/build/ui-build.lock"
  flock "$_siberius_ui_fd"
  rc=0
  hash=$(_siberius_ui_hash package-lock.json package.json index.html tsconfig.json vite.config.ts scripts/compress.mjs scripts/service-worker.mjs scripts/sw.template.js src public)
  stamp="$ui/dist/.siberius-build-sha256"
  if [ -f "$ui/dist/index.html" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && [ -d "$ui/node_modules" ]; then
    :
  elif ! _siberius_ui_deps "$log"; then
    rc=1
  else
    echo "== npm run build ($(date -u +%FT%TZ))" >>"$log"
    if (cd "$ui" && npm run build) >>"$log" 2>&1; then
      echo "$hash" >"$stamp"
    else
      rc=1
    fi
  fi
  flock -u "$_siberius_ui_fd"
  exec {_siberius_ui_fd}>&-
  if [ "$rc" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "siberius: the web app (ui/) did not build; full log: $log" >&2
  fi
  return "$rc"
}

siberius_ui_test() {
  local ui log
  ui=$(_siberius_ui_dir)
  log=$(_siberius_ui_log)
  _siberius_ui_deps "$log" || { tail -n 40 "$log" >&2; return 1; }
  (cd "$ui" && npm test --silent)
}
