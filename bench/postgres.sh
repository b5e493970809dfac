#!/usr/bin/env bash
# Loopback benchmark of scimd's PostgreSQL store (issue 6): in one run, on one private PostgreSQL
# 15 cluster, the same work as bench/run for each configuration:
#   scimd-sqlite   scimd on a fresh SQLite file (the reference)
#   scimd-pg1      one scimd on PostgreSQL
#   scimd-pg2      two scimd processes on the same PostgreSQL database, the load split evenly
#                  (two preloads of N/2 users at concurrency C/2, two wrk -t1 -cCONN/2; request
#                  rates summed, the worse p50/p99 taken)
#   jackson-pg     BoxyHQ SAML Jackson (../shared/bench/peers/jackson.js) on its sql/postgres
#                  engine through bench/postgres/jackson-pg-hook.js
#   jackson-mem    the same Jackson on its in-memory store (reference)
# Work per configuration: creates = POST N Entra-shaped users at concurrency PRELOAD_C
# (bench/postgres/preload.js: the shared preload plus per-request latency), then for (a)
# GET /Users?filter=userName eq "user500@example.com" and (b) GET /Users/{id}: a WARM warm-up
# and a measured wrk -t$THREADS -c$CONN -d$DUR --latency run. During each measured phase the
# server processes' utime+stime and the PostgreSQL cluster's (postmaster + its children, exited
# children through the postmaster's cutime/cstime) are read from /proc, giving CPU-ms per request
# in scimd and in PostgreSQL separately.
#   bash bench/postgres.sh            full run: N=10000, DUR=10s, WARM=3s; raw outputs and the
#                                     rendered section go to bench/results/<date>/postgres*/
#   bash bench/postgres.sh --quick    smoke: N=2000 (user 500 exists on both halves), DUR=2s, WARM=1s, results printed only
# Env: CONFIGS (space-separated subset, in order), LOAD_MAX=2.5 and LOAD_WAIT=900: before the
# measured work, wait up to LOAD_WAIT s for the 1-minute load average to drop below LOAD_MAX
# (the box is shared with compiles); the load is recorded either way. SCIMD_BIN as in common.sh.
# Everything is on 127.0.0.1, every step is bounded by `timeout`, every process is stopped by its
# PID (trap) and the cluster is stopped and deleted at exit. Exits non-zero if a server died, a
# POST failed or a GET answered non-2xx (timings are never asserted).
set -euo pipefail
{ # one block: bash reads the whole script before running it, so edits cannot change a run
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck disable=SC2034 # read by common.sh
NAME=postgres   # common.sh's log prefix and scratch directory name
export NAME
MODE=full
case "${1-}" in
  --quick) MODE=quick ;;
  "") ;;
  *) echo "usage: bench/postgres.sh [--quick]" >&2; exit 2 ;;
esac
CMD="bash bench/postgres.sh${1:+ $1}"
PEERS_DIR=$(cd "$ROOT/../shared/bench/peers" 2>/dev/null && pwd) || {
  echo "postgres: ../shared/bench/peers not found beside the repo" >&2
  exit 2
}
for tool in wrk jq node curl psql; do
  command -v "$tool" >/dev/null || { echo "postgres: $tool is missing: run scripts/setup.sh" >&2; exit 2; }
done

if [ "$MODE" = quick ]; then
  N=${N:-2000} DUR=${DUR:-2s} WARM=${WARM:-1s}
else
  N=${N:-10000} DUR=${DUR:-10s} WARM=${WARM:-3s}
fi
THREADS=${THREADS:-2} CONN=${CONN:-32} PRELOAD_C=${PRELOAD_C:-16}
CONFIGS=${CONFIGS:-"scimd-sqlite scimd-pg1 scimd-pg2 jackson-pg jackson-mem"}
LOAD_MAX=${LOAD_MAX:-2.5} LOAD_WAIT=${LOAD_WAIT:-900}
TOKEN_JACKSON=bench-token
FILTER_PATH='/Users?filter=userName%20eq%20%22user500%40example.com%22'
HZ=$(getconf CLK_TCK)

# shellcheck source=bench/common.sh
source "$ROOT/bench/common.sh"   # SCIMD_BIN (Release build), SCRATCH, PIDS, cleanup, log
PGDIR=$(mktemp -d /tmp/scimd-bench-pg.XXXXXX)
stop_all() {
  cleanup_servers
  timeout -k 5 60 bash "$ROOT/scripts/pg-test-cluster.sh" stop "$PGDIR" || true
  cleanup
}
trap stop_all EXIT

case " $CONFIGS " in
  *" jackson-"*)
    if ! (cd "$PEERS_DIR" && node -e "require('@boxyhq/saml-jackson'); require('pg')" 2>/dev/null); then
      log "installing the peers' npm dependencies (../shared/bench/peers/setup.sh)"
      timeout -k 10 900 bash "$PEERS_DIR/setup.sh" < /dev/null >&2
    fi ;;
esac

OUT="$SCRATCH/out"
mkdir -p "$OUT"
SUMMARY="$OUT/summary.jsonl"
: > "$SUMMARY"

# ---- the PostgreSQL cluster --------------------------------------------------------------------
PG_URL=$(timeout -k 5 120 bash "$ROOT/scripts/pg-test-cluster.sh" start "$PGDIR")
PG_BASE=${PG_URL%/*}   # postgres://scimd@127.0.0.1:PORT
POSTMASTER=$(head -n 1 "$PGDIR/data/postmaster.pid")
log "PostgreSQL at $PG_URL (postmaster $POSTMASTER)"
psql_q() { timeout -k 5 60 psql -X -q -v ON_ERROR_STOP=1 -tA "$@"; }
PG_FACTS=$(psql_q "$PG_URL" -c "select version()" | cut -d' ' -f1-2)
for s in shared_buffers max_connections synchronous_commit fsync wal_level; do
  PG_FACTS+=", $s=$(psql_q "$PG_URL" -c "show $s")"
done

# ---- CPU accounting -----------------------------------------------------------------------------
ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
server_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(ticks_of "$p"))); done; echo "$t"; }
# The cluster: the postmaster, its live children, and (cutime+cstime) children that exited.
pg_ticks() {
  local t c
  t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$POSTMASTER/stat")
  for c in $(pgrep -P "$POSTMASTER" || true); do t=$((t + $(ticks_of "$c"))); done
  echo "$t"
}
now() { date +%s.%N; }

# ---- servers ------------------------------------------------------------------------------------
SERVER_PIDS=()
cleanup_servers() {
  local p
  for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${SERVER_PIDS[@]}"; do timeout 20 tail --pid="$p" -f /dev/null 2>/dev/null || kill -9 "$p" 2>/dev/null || true; done
  SERVER_PIDS=()
}
wait_ready() { # port seconds: until the port answers, the time is up or the last server died
  local i
  for i in $(seq 1 $(($2 * 5))); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" && return 0
    kill -0 "${SERVER_PIDS[-1]}" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
start_scimd() { # config db port
  "$SCIMD_BIN" serve --db "$2" --listen "127.0.0.1:$3" --public-url "http://127.0.0.1:$3" \
    --mail-dir "$SCRATCH/mail-$1-$3" > "$OUT/$1.$3.server.log" 2>&1 &
  SERVER_PIDS+=("$!"); PIDS+=("$!")
}
start_jackson() { # config port [pg url]
  if [ -n "${3-}" ]; then
    env PORT="$2" TOKEN="$TOKEN_JACKSON" JACKSON_DB=mem JACKSON_PG_URL="$3" \
      node -r "$ROOT/bench/postgres/jackson-pg-hook.js" "$PEERS_DIR/jackson.js" > "$OUT/$1.$2.server.log" 2>&1 &
  else
    env PORT="$2" TOKEN="$TOKEN_JACKSON" JACKSON_DB=mem node "$PEERS_DIR/jackson.js" > "$OUT/$1.$2.server.log" 2>&1 &
  fi
  SERVER_PIDS+=("$!"); PIDS+=("$!")
}
create_db() { psql_q "$PG_URL" -c "CREATE DATABASE \"$1\""; echo "$PG_BASE/$1"; }

# ---- one configuration ------------------------------------------------------------------------
failed=0
emit() { echo "$1" >> "$SUMMARY"; }
cpu_fields() { # server_t0 server_t1 pg_t0 pg_t1 wall_s requests uses_pg
  awk -v s0="$1" -v s1="$2" -v p0="$3" -v p1="$4" -v w="$5" -v n="$6" -v pg="$7" -v hz="$HZ" 'BEGIN {
    sc = (s1 - s0) / hz; pc = (p1 - p0) / hz
    printf "\"server_cpu_s\":%.2f,\"server_cpu_pct\":%.0f,\"server_cpu_ms_per_req\":%.4f", sc, 100 * sc / w, 1000 * sc / n
    if (pg == 1) printf ",\"pg_cpu_s\":%.2f,\"pg_cpu_pct\":%.0f,\"pg_cpu_ms_per_req\":%.4f", pc, 100 * pc / w, 1000 * pc / n
    else printf ",\"pg_cpu_s\":null,\"pg_cpu_pct\":null,\"pg_cpu_ms_per_req\":null"
  }'
}
wrk_field() { # file field
  case "$2" in
    rps) awk '/^Requests\/sec/{print $2}' "$1" ;;
    requests) awk '/requests in/{print $1}' "$1" ;;
    p50 | p90 | p99) awk -v q="${2#p}%" '$1==q{print $2}' "$1" ;;
    non2xx) awk '/Non-2xx/{print $5}' "$1" | grep . || echo 0 ;;
    sockerr) awk '/Socket errors/{gsub(",", ""); print $4 + $6 + $8 + $10}' "$1" | grep . || echo 0 ;;
  esac
}
# wrk latency text -> ms
to_ms() { awk -v t="$1" 'BEGIN { v = t + 0; if (t ~ /us$/) v /= 1000; else if (t ~ /ms$/) v += 0; else if (t ~ /m$/) v *= 60000; else if (t ~ /s$/) v *= 1000; printf "%.3f", v }'; }

measure() { # config uses_pg token scimpath port...
  local cfg=$1 uses_pg=$2 token=$3 scimpath=$4; shift 4
  local ports=("$@")
  local k=${#ports[@]} i
  local log_file="$OUT/$cfg.txt"
  echo "# config=$cfg ports=${ports[*]} pids=${SERVER_PIDS[*]} $(date -u +%FT%TZ) load=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$log_file"

  # Creates: N users in total, split evenly over the instances (prefix user, userb, ...).
  local s0 p0 t0 s1 p1 t1 pre_files=() prefixes=(user userb userc userd)
  s0=$(server_ticks "${SERVER_PIDS[@]}"); p0=$(pg_ticks); t0=$(now)
  for i in $(seq 0 $((k - 1))); do
    timeout -k 5 600 node "$ROOT/bench/postgres/preload.js" "http://127.0.0.1:${ports[$i]}$scimpath" "$token" \
      $((N / k)) $((PRELOAD_C / k)) "${prefixes[$i]}" > "$OUT/$cfg.preload.$i.json" &
    pre_files+=("$OUT/$cfg.preload.$i.json")
  done
  wait_jobs_ok || failed=1
  s1=$(server_ticks "${SERVER_PIDS[@]}"); p1=$(pg_ticks); t1=$(now)
  local pre ok n wall id
  pre=$(cat "${pre_files[@]}" | jq -cs '{ok: (map(.ok) | add), failed: (map(.failed) | add), seconds: (map(.seconds) | max), p50_ms: (map(.p50_ms) | max), p99_ms: (map(.p99_ms) | max), statusCounts: (map(.statusCounts | to_entries[]) | group_by(.key) | map({(.[0].key): (map(.value) | add)}) | add)}')
  ok=$(jq -r .ok <<<"$pre"); n=$((ok > 0 ? ok : 1))
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')
  echo "preload: $pre" >> "$log_file"
  [ "$(jq -r .failed <<<"$pre")" = 0 ] || { log "$cfg: failed POSTs: $pre"; failed=1; }
  emit "{\"config\":\"$cfg\",\"instances\":$k,\"test\":\"create\",\"requests\":$ok,\"seconds\":$(jq .seconds <<<"$pre"),\"rps\":$(awk -v o="$ok" -v s="$(jq .seconds <<<"$pre")" 'BEGIN{printf "%.1f", o / s}'),\"p50_ms\":$(jq .p50_ms <<<"$pre"),\"p99_ms\":$(jq .p99_ms <<<"$pre"),\"non2xx\":$(jq .failed <<<"$pre"),\"sockerr\":0,$(cpu_fields "$s0" "$s1" "$p0" "$p1" "$wall" "$n" "$uses_pg")}"
  id=$(jq -r '.ids["500"]' "${pre_files[0]}")

  # The filter must find exactly user 500 through every instance.
  for i in $(seq 0 $((k - 1))); do
    local check
    check=$(curl -s --max-time 10 -H "Authorization: Bearer $token" "http://127.0.0.1:${ports[$i]}$scimpath$FILTER_PATH" | jq -c '{totalResults, ids: [.Resources[]?.id]}' || echo '{}')
    echo "filter check port ${ports[$i]}: $check (expect $id)" >> "$log_file"
    [ "$check" = "{\"totalResults\":1,\"ids\":[\"$id\"]}" ] || { log "$cfg: filter check failed on ${ports[$i]}: $check"; failed=1; }
  done

  local label path
  for label in filter get-by-id; do
    if [ "$label" = filter ]; then path=$FILTER_PATH; else path="/Users/$id"; fi
    local wt=$((THREADS / k > 0 ? THREADS / k : 1)) wc=$((CONN / k)) files=()
    for i in $(seq 0 $((k - 1))); do
      timeout -k 5 120 wrk -t"$wt" -c"$wc" -d"$WARM" -H "Authorization: Bearer $token" "http://127.0.0.1:${ports[$i]}$scimpath$path" > /dev/null &
    done
    wait_jobs_ok || failed=1
    s0=$(server_ticks "${SERVER_PIDS[@]}"); p0=$(pg_ticks); t0=$(now)
    for i in $(seq 0 $((k - 1))); do
      timeout -k 5 300 wrk -t"$wt" -c"$wc" -d"$DUR" --latency -H "Authorization: Bearer $token" \
        "http://127.0.0.1:${ports[$i]}$scimpath$path" > "$OUT/$cfg.$label.$i.wrk" &
      files+=("$OUT/$cfg.$label.$i.wrk")
    done
    wait_jobs_ok || failed=1
    s1=$(server_ticks "${SERVER_PIDS[@]}"); p1=$(pg_ticks); t1=$(now)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')
    local rps=0 reqs=0 non2xx=0 sockerr=0 p50=0 p99=0 f
    for f in "${files[@]}"; do
      { echo; echo "## $label  GET $scimpath$path  ($(basename "$f"): wrk -t$wt -c$wc -d$DUR)"; cat "$f"; } >> "$log_file"
      rps=$(awk -v a="$rps" -v b="$(wrk_field "$f" rps)" 'BEGIN{printf "%.2f", a + b}')
      reqs=$((reqs + $(wrk_field "$f" requests)))
      non2xx=$((non2xx + $(wrk_field "$f" non2xx)))
      sockerr=$((sockerr + $(wrk_field "$f" sockerr)))
      p50=$(awk -v a="$p50" -v b="$(to_ms "$(wrk_field "$f" p50)")" 'BEGIN{print (b > a ? b : a)}')
      p99=$(awk -v a="$p99" -v b="$(to_ms "$(wrk_field "$f" p99)")" 'BEGIN{print (b > a ? b : a)}')
    done
    [ "$non2xx" = 0 ] || { log "$cfg $label: $non2xx non-2xx replies"; failed=1; }
    emit "{\"config\":\"$cfg\",\"instances\":$k,\"test\":\"$label\",\"requests\":$reqs,\"seconds\":$wall,\"rps\":$rps,\"p50_ms\":$p50,\"p99_ms\":$p99,\"non2xx\":$non2xx,\"sockerr\":$sockerr,$(cpu_fields "$s0" "$s1" "$p0" "$p1" "$wall" "$((reqs > 0 ? reqs : 1))" "$uses_pg")}"
  done

  # Every server must still be up after the work.
  local p rss=0
  for p in "${SERVER_PIDS[@]}"; do
    if ! kill -0 "$p" 2>/dev/null; then log "$cfg: server pid $p died (see $cfg.*.server.log)"; failed=1; fi
    rss=$((rss + $(awk '/VmHWM/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  emit "{\"config\":\"$cfg\",\"instances\":$k,\"peak_rss_kb\":$rss}"
  grep -E '^(preload|filter check)' "$log_file" | sed "s/^/$cfg: /" >&2 || true
}
wait_jobs_ok() { local rc=0 j; for j in $(jobs -rp); do is_server "$j" || wait "$j" || rc=1; done; return $rc; }
is_server() { local p; for p in "${SERVER_PIDS[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

run_config() {
  local cfg=$1 url token
  log "$cfg (N=$N, wrk -t$THREADS -c$CONN -d$DUR, load $(cut -d' ' -f1-3 /proc/loadavg))"
  case "$cfg" in
    scimd-sqlite)
      token=$("$SCIMD_BIN" tenant create bench --db "sqlite:$SCRATCH/scimd.db" --json | jq -r .token)
      start_scimd "$cfg" "sqlite:$SCRATCH/scimd.db" 8120
      wait_ready 8120 30 || { log "$cfg did not start"; failed=1; return; }
      measure "$cfg" 0 "$token" /scim/v2/bench 8120 ;;
    scimd-pg1 | scimd-pg2)
      url=$(create_db "${cfg//-/_}")
      token=$(timeout -k 5 60 "$SCIMD_BIN" tenant create bench --db "$url" --json | jq -r .token)
      if [ "$cfg" = scimd-pg1 ]; then
        start_scimd "$cfg" "$url" 8121
        wait_ready 8121 30 || { log "$cfg did not start"; failed=1; return; }
        measure "$cfg" 1 "$token" /scim/v2/bench 8121
      else
        start_scimd "$cfg" "$url" 8122
        start_scimd "$cfg" "$url" 8123
        if ! { wait_ready 8122 30 && wait_ready 8123 30; }; then log "$cfg did not start"; failed=1; return; fi
        measure "$cfg" 1 "$token" /scim/v2/bench 8122 8123
      fi ;;
    jackson-pg)
      url=$(create_db jackson)
      start_jackson "$cfg" 8124 "$url"
      wait_ready 8124 180 || { log "$cfg did not start"; failed=1; return; }
      measure "$cfg" 1 "$TOKEN_JACKSON" /scim/v2 8124
      # Proof that Jackson's data went to PostgreSQL: its store tables and row count.
      echo "postgres tables of jackson: $(psql_q "$url" -c "select string_agg(relname || '=' || n_live_tup, ' ') from pg_stat_user_tables")" >> "$OUT/$cfg.txt" ;;
    jackson-mem)
      start_jackson "$cfg" 8125
      wait_ready 8125 90 || { log "$cfg did not start"; failed=1; return; }
      measure "$cfg" 0 "$TOKEN_JACKSON" /scim/v2 8125 ;;
    *) log "unknown config $cfg"; failed=1; return ;;
  esac
}

# ---- wait for a quiet machine, then measure -----------------------------------------------------
LOAD_BEFORE_WAIT=$(cut -d' ' -f1-3 /proc/loadavg)
waited=0
while awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v m="$LOAD_MAX" 'BEGIN{exit !(l >= m)}' && [ "$waited" -lt "$LOAD_WAIT" ]; do
  [ $((waited % 60)) = 0 ] && log "1-minute load $(cut -d' ' -f1 /proc/loadavg) >= $LOAD_MAX: waiting (${waited}s of ${LOAD_WAIT}s)"
  sleep 10; waited=$((waited + 10))
done
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date -u +%FT%TZ)
for cfg in $CONFIGS; do run_config "$cfg"; cleanup_servers; done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$ROOT" diff --quiet HEAD -- src CMakeLists.txt 2>/dev/null; then
  COMMIT+=" + uncommitted changes in $(git -C "$ROOT" diff --name-only HEAD -- src CMakeLists.txt | tr '\n' ' ' | sed 's/ $//')"
fi
jq -n --arg cmd "$CMD" --arg commit "$COMMIT" --arg start "$START" --arg end "$(date -u +%FT%TZ)" \
  --arg load_before_wait "$LOAD_BEFORE_WAIT" --arg waited "$waited" --arg load_start "$LOAD_START" --arg load_end "$LOAD_END" \
  --arg pg "$PG_FACTS" --arg n "$N" --arg dur "$DUR" --arg warm "$WARM" --arg threads "$THREADS" --arg conn "$CONN" \
  --arg preload_c "$PRELOAD_C" --arg configs "$CONFIGS" --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
  --arg cores "$(nproc)" --arg kernel "$(uname -r)" --arg node "$(node -v)" --arg wrk "$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)" \
  --arg mem "$(awk '/MemTotal/{printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)" \
  '$ARGS.named' > "$OUT/run.json"

if [ "$MODE" = quick ]; then
  node "$ROOT/bench/postgres/report.js" "$OUT"
  exit "$failed"
fi
stamp=$(date -u +%Y-%m-%d)
raw="bench/results/$stamp/postgres-$(date -u +%H%MZ)"
mkdir -p "$raw"
# Server logs are kept only when small (they are diagnostics, not results).
for f in "$OUT"/*.server.log; do [ "$(stat -c %s "$f")" -lt 65536 ] || { tail -c 16384 "$f" > "$f.tail"; rm "$f"; }; done
cp "$OUT"/* "$raw/"
BENCH_RAW="${raw#bench/}" node "$ROOT/bench/postgres/report.js" "$OUT" > "$raw/section.md"
cat "$raw/section.md"
log "raw outputs and the rendered section in $raw"
exit "$failed"
}
