# The demo office, so that a fresh clone shows a living system: sample PDFs
# for the demo daemon's folder (scripts/demo/make-demo-pdfs.mjs), a demo
# technician and a few atendimentos linked to those PDFs. Sourced by scripts/run.
#
#   siberius_demo_seed_pdfs DIR
#       DIR missing or without any PDF: writes the demo PDFs into it.
#   siberius_demo_seed_data URL ADMIN_TOKEN DATA_DIR [PDF_DIR]
#       Once per data folder (marker DATA_DIR/demo-seeded.json), through the
#       REST API: the technician account (login and password kept in
#       DATA_DIR/demo-accounts.json, mode 0600), then, once the demo daemon has
#       indexed the PDFs of PDF_DIR (default DATA_DIR/demo-pdfs), the
#       atendimentos its .siberius-demo.json lists. Safe to run again: nothing
#       is created twice, and what failed is tried again on the next run.
#       Afterwards SIBERIUS_DEMO_TECH_LOGIN and SIBERIUS_DEMO_TECH_PASSWORD
#       hold the technician's login (empty when there is none).
#
# Neither function ever fails its caller: a problem is printed as a warning.

SIBERIUS_DEMO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SIBERIUS_DEMO_TECH_LOGIN=${SIBERIUS_DEMO_TECH_LOGIN:-}
SIBERIUS_DEMO_TECH_PASSWORD=${SIBERIUS_DEMO_TECH_PASSWORD:-}
SIBERIUS_DEMO_WAIT_SECONDS=${SIBERIUS_DEMO_WAIT_SECONDS:-30}

_siberius_demo_say() { echo "siberius: demo: $*"; }
_siberius_demo_warn() { echo "siberius: demo: warning: $*" >&2; }

siberius_demo_seed_pdfs() {
  local dir=$1 out
  if [ -d "$dir" ] && [ -n "$(find "$dir" -type f -iname '*.pdf' -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  if ! command -v node >/dev/null 2>&1; then
    _siberius_demo_warn "node is missing: the demo folder $dir stays empty"
    return 0
  fi
  if out=$(node "$SIBERIUS_DEMO_ROOT/scripts/demo/make-demo-pdfs.mjs" "$dir" 2>&1); then
    _siberius_demo_say "${out#make-demo-pdfs: }"
  else
    _siberius_demo_warn "could not write the demo PDFs into $dir: $out"
  fi
  return 0
}

siberius_demo_seed_data() {
  local data=$3
  if [ ! -f "$data/demo-seeded.json" ]; then
    ( _siberius_demo_seed "$@" ) || _siberius_demo_warn "demo data incomplete; scripts/run tries again next time"
  fi
  _siberius_demo_load_accounts "$data"
  return 0
}

_siberius_demo_load_accounts() {
  local file="$1/demo-accounts.json"
  SIBERIUS_DEMO_TECH_LOGIN=""
  SIBERIUS_DEMO_TECH_PASSWORD=""
  [ -f "$file" ] || return 0
  SIBERIUS_DEMO_TECH_LOGIN=$(jq -r '.tecnico.login // empty' "$file" 2>/dev/null) || SIBERIUS_DEMO_TECH_LOGIN=""
  SIBERIUS_DEMO_TECH_PASSWORD=$(jq -r '.tecnico.password // empty' "$file" 2>/dev/null) || SIBERIUS_DEMO_TECH_PASSWORD=""
  return 0
}

# One REST call: sets _sd_status (HTTP status, 000 when unreachable) and
# _sd_body; succeeds on 2xx. Runs inside _siberius_demo_seed's subshell.
_siberius_demo_call() {
  local method=$1 path=$2 body=${3:-} out
  out=$(mktemp) || return 1
  local args=(-sS -m 15 -o "$out" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $_sd_token")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  _sd_status=$(curl "${args[@]}" "$_sd_url$path" 2>/dev/null) || _sd_status=${_sd_status:-000}
  _sd_body=$(cat "$out")
  rm -f "$out"
  [[ $_sd_status == 2* ]]
}

# Why a call failed, in one line: the API's error sentence or the status.
_siberius_demo_why() {
  local msg
  msg=$(jq -r '.error // empty' <<<"$_sd_body" 2>/dev/null) || msg=""
  echo "HTTP $_sd_status${msg:+: $msg}"
}

_siberius_demo_seed() {
  _sd_url=${1%/} _sd_token=$2
  local data=$3 pdfs=${4:-$3/demo-pdfs}
  local accounts="$data/demo-accounts.json" manifest="$pdfs/.siberius-demo.json"
  local tech_login="tecnico" tech_nome="Ana Técnica" tech_ok=0 password
  for tool in curl jq; do
    command -v "$tool" >/dev/null 2>&1 || { _siberius_demo_warn "$tool is missing: no demo data"; return 1; }
  done

  # 1. The technician. demo-accounts.json is written before the account is
  #    created, so an account named in it is one this script made.
  if ! _siberius_demo_call GET /api/admin/users; then
    _siberius_demo_warn "cannot list the accounts ($(_siberius_demo_why))"
    return 1
  fi
  local exists
  exists=$(jq -r --arg l "$tech_login" '[.users[] | select((.login | ascii_downcase) == $l)] | length' <<<"$_sd_body")
  if [ -f "$accounts" ] && [ "$(jq -r '.tecnico.login // empty' "$accounts" 2>/dev/null)" = "$tech_login" ]; then
    password=$(jq -r '.tecnico.password' "$accounts")
  elif [ "$exists" != "0" ]; then
    _siberius_demo_warn "an account \"$tech_login\" exists that the demo did not create; its password is left alone"
    tech_ok=1
  else
    password=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-HJ-NP-Za-km-z2-9' | cut -c1-16)
    [ ${#password} -ge 12 ] || { _siberius_demo_warn "could not generate a password"; return 1; }
    ( umask 077 && jq -n --arg l "$tech_login" --arg p "$password" --arg n "$tech_nome" \
        '{tecnico: {login: $l, password: $p, nome: $n, role: "tecnico"}}' >"$accounts.tmp" ) \
      && chmod 600 "$accounts.tmp" && sync "$accounts.tmp" && mv "$accounts.tmp" "$accounts" \
      && sync "$(dirname "$accounts")" \
      || { _siberius_demo_warn "cannot write $accounts"; return 1; }
  fi
  if [ "$tech_ok" = 0 ] && [ "$exists" != "0" ]; then
    tech_ok=1 # created on an earlier run
  elif [ "$tech_ok" = 0 ]; then
    local body
    body=$(jq -n --arg l "$tech_login" --arg p "$password" --arg n "$tech_nome" \
      '{login: $l, role: "tecnico", nome: $n, password: $p}')
    if _siberius_demo_call POST /api/admin/users "$body"; then
      _siberius_demo_say "technician account \"$tech_login\" ($tech_nome) created; password in $accounts"
      tech_ok=1
    else
      _siberius_demo_warn "cannot create the technician account ($(_siberius_demo_why))"
    fi
  fi

  # 2. The atendimentos, each once its PDFs are indexed.
  if [ ! -f "$manifest" ]; then
    _siberius_demo_say "$pdfs has no .siberius-demo.json (not written by make-demo-pdfs): no demo atendimentos"
    [ "$tech_ok" = 1 ]
    return
  fi
  local wanted
  wanted=$(jq -c '[.atendimentos[].pdfs[]] | unique | .[]' "$manifest") || { _siberius_demo_warn "unreadable $manifest"; return 1; }
  local count deadline=$((SECONDS + SIBERIUS_DEMO_WAIT_SECONDS)) missing="$wanted" still pdf tipo numero
  count=$(grep -c . <<<"$wanted")
  _siberius_demo_say "waiting (up to ${SIBERIUS_DEMO_WAIT_SECONDS} s) for the demo daemon to index the $count PDFs the demo atendimentos link"
  while [ -n "$missing" ]; do
    still=""
    while IFS= read -r pdf; do
      [ -n "$pdf" ] || continue
      tipo=$(jq -r '.tipo | @uri' <<<"$pdf")
      numero=$(jq -r '.numero | @uri' <<<"$pdf")
      if ! _siberius_demo_call GET "/api/pdfs?tipo=$tipo&numero=$numero&pageSize=1" \
         || [ "$(jq -r '.total' <<<"$_sd_body")" = "0" ]; then
        still+="$pdf"$'\n'
      fi
    done <<<"$missing"
    missing=$still
    [ -n "$missing" ] && [ "$SECONDS" -ge "$deadline" ] && break
    [ -n "$missing" ] && sleep 1
  done
  if [ -n "$missing" ]; then
    _siberius_demo_warn "not indexed after ${SIBERIUS_DEMO_WAIT_SECONDS} s: $(jq -sr 'map("\(.tipo) \(.numero)") | join(", ")' <<<"$missing") (see the daemon's log)"
  fi

  local from to existing all_done=1
  from=$(jq -r '[.atendimentos[].dataInicio[0:10]] | min' "$manifest")
  to=$(jq -r '[.atendimentos[] | (.dataFim // .dataInicio)[0:10]] | max' "$manifest")
  from=$(date -u -d "$from -1 day" +%F 2>/dev/null || echo "$from")
  to=$(date -u -d "$to +1 day" +%F 2>/dev/null || echo "$to")
  if ! _siberius_demo_call GET "/api/atendimentos?from=$from&to=$to"; then
    _siberius_demo_warn "cannot list the atendimentos ($(_siberius_demo_why))"
    return 1
  fi
  existing=$(jq -c '[.items[].titulo]' <<<"$_sd_body")
  local n i titulo links body
  n=$(jq '.atendimentos | length' "$manifest")
  for ((i = 0; i < n; i++)); do
    titulo=$(jq -r ".atendimentos[$i].titulo" "$manifest")
    if jq -e --arg t "$titulo" 'index($t) != null' <<<"$existing" >/dev/null; then
      continue # made on an earlier run
    fi
    links=$(jq -c ".atendimentos[$i].pdfs[]" "$manifest")
    if [ -n "$missing" ] && grep -Fxq -f <(grep . <<<"$missing") <<<"$links"; then
      _siberius_demo_warn "atendimento \"$titulo\" waits for its PDFs"
      all_done=0
      continue
    fi
    body=$(jq -c --argjson tech "$tech_ok" --arg login "$tech_login" ".atendimentos[$i]
      | {titulo, cliente, local, dataInicio, dataFim, pdfs,
         tecnicos: (if .tecnico and \$tech == 1 then [\$login] else [] end)}" "$manifest")
    if _siberius_demo_call POST /api/atendimentos "$body"; then
      _siberius_demo_say "atendimento \"$titulo\" created ($(jq -r '"\(.dataInicio[0:10]), \(.pdfs | length) PDF\(if (.pdfs | length) == 1 then "" else "s" end), " + (if (.tecnicos | length) > 0 then "technician " + (.tecnicos | map(.login) | join(", ")) else "no technician" end)' <<<"$_sd_body"))"
    else
      _siberius_demo_warn "cannot create atendimento \"$titulo\" ($(_siberius_demo_why))"
      all_done=0
    fi
  done

  [ "$all_done" = 1 ] && [ "$tech_ok" = 1 ] || return 1
  jq -n --arg at "$(date -u +%FT%TZ)" --arg today "$(jq -r .today "$manifest")" \
    '{seededAt: $at, demoToday: $today, by: "scripts/lib/demo.sh"}' >"$data/demo-seeded.json"
  _siberius_demo_say "demo data ready (marker $data/demo-seeded.json)"
}
