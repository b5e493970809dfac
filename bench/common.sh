# Sourced by the bench scripts: the scimd binary, a scratch directory, cleanup of every process
# they start, and the servers they share. Before sourcing, set ROOT and NAME (the log prefix).
#   SCIMD_BIN: use this binary instead of the shared Release build (scripts/build-release.sh).
if [ -z "${SCIMD_BIN-}" ]; then
  bash "$ROOT/scripts/build-release.sh" scimd >/dev/null
  SCIMD_BIN="$ROOT/build/release/scimd"
fi
PEERS_DIR=${PEERS_DIR:-$ROOT/../shared/bench/peers}
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/scimd-$NAME.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "$NAME: $*" >&2; }
# shellcheck source=bench/sections.sh
source "$ROOT/bench/sections.sh"

# wait_for FILE PATTERN SECONDS: poll a log until PATTERN appears (bounded)
wait_for() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "$NAME: timed out waiting for '$2' in $1:" >&2; tail -5 "$1" >&2; return 1
}
# ticks PID: user+system clock ticks of PID and its children (nginx: master + worker)
ticks() { cat "/proc/$1/stat" $(pgrep -P "$1" | sed 's#.*#/proc/&/stat#') | awk '{t += $14 + $15} END {print t}'; }
# peak_kb PID: VmHWM of PID plus its children
peak_kb() { cat "/proc/$1/status" $(pgrep -P "$1" | sed 's#.*#/proc/&/status#') | awk '/VmHWM/ {t += $2} END {print t}'; }
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# start_ceiling PORT: nginx, one worker, answering every method on every path with the peers'
# fixed 819-byte reply (POST and PATCH get it too: 405 -> 200). Its PID is last in PIDS.
start_ceiling() {
  local dir="$SCRATCH/nginx-$1" i
  mkdir -p "$dir/tmp"
  sed -e "s#@PREFIX@#$dir#g" -e "s#@ROOT@#$PEERS_DIR#g" -e "s#@PORT@#$1#g" -e "s#@WORKERS@#1#g" \
    -e 's#try_files /response.json =404;#&\n      error_page 405 =200 /response.json;#' \
    "$PEERS_DIR/ceiling/nginx.conf.in" >"$dir/nginx.conf"
  nginx -p "$dir" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
  PIDS+=($!)
  for ((i = 0; i < 50; i++)); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" && return 0
    sleep 0.1
  done
  echo "$NAME: the ceiling did not start on port $1" >&2; return 1
}
# start_scimd_sqlite PORT DB: scimd serving a fresh SQLite file DB with one tenant "bench";
# prints the tenant's token. Its PID is last in PIDS (call it with `>file`, not in $(...)).
start_scimd_sqlite() {
  "$SCIMD_BIN" tenant create bench --db "sqlite:$2" --json | jq -r .token
  "$SCIMD_BIN" serve --db "sqlite:$2" --listen "127.0.0.1:$1" \
    --public-url "http://127.0.0.1:$1" >"$SCRATCH/scimd-$1.log" 2>&1 &
  PIDS+=($!)
  wait_for "$SCRATCH/scimd-$1.log" listening 30
}
# start_jackson_mem PORT: Jackson with its in-memory store, as ../shared/bench/peers/bench.sh
# starts it (token bench-token), its npm dependencies installed first if missing. Its PID is
# last in PIDS.
start_jackson_mem() {
  if ! (cd "$PEERS_DIR" && node -e "require('@boxyhq/saml-jackson')" 2>/dev/null); then
    log "installing the peers' npm dependencies ($PEERS_DIR/setup.sh)"
    timeout -k 10 900 bash "$PEERS_DIR/setup.sh" </dev/null >&2
  fi
  (cd "$PEERS_DIR" && PORT=$1 TOKEN=bench-token JACKSON_DB=mem exec node jackson.js) \
    >"$SCRATCH/jackson-$1.log" 2>&1 &
  PIDS+=($!)
  wait_for "$SCRATCH/jackson-$1.log" "\"port\":$1" 60
}
