#!/usr/bin/env bash
# List/filter performance of scimd on large tenants (loopback only).
#   bash bench/lists.sh          100k users: filter rows (wrk -t2 -c8 -d5s); then the same tenant
#                                grown to 1M users (or what loads in LOAD_BUDGET s): startIndex
#                                depth vs cursor walk; Jackson mem with 100k users for row (a).
#                                Writes bench/results/lists.md (~20 min).
#   bash bench/lists.sh --quick  10k / 50k users, 2 s runs (< 3 min); prints the report only.
# Env: SCIMD_BIN (default: the shared Release build), PORT (8120), JACKSON_PORT (8101),
#      NO_JACKSON=1 to skip the peer. Every server is bound to 127.0.0.1 and killed by PID in the
#      EXIT trap; every wrk/node/curl call is bounded by `timeout`.
set -euo pipefail
{ # read the whole script before running it
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE="$ROOT/bench/lists"
PEERS_DIR="$ROOT/../shared/bench/peers"
MODE=full
case "${1-}" in
  --quick) MODE=quick ;;
  "") ;;
  *) echo "usage: bench/lists.sh [--quick]" >&2; exit 2 ;;
esac
CMD="bash bench/lists.sh${1:+ $1}"
if [ "$MODE" = quick ]; then
  N_FILTER=10000 N_PAGING=50000 DUR=2s LOAD_BUDGET=60 CURSOR_PAGES=200 REPS=5
  STARTS="1,10000,25000,45000"
else
  N_FILTER=100000 N_PAGING=1000000 DUR=5s LOAD_BUDGET=420 CURSOR_PAGES=200 REPS=10
  STARTS="1,100000,500000,900000"
fi
PORT=${PORT:-8120}
JPORT=${JACKSON_PORT:-8101}
TOKEN_J=bench-token

for tool in wrk jq node curl; do
  command -v "$tool" >/dev/null || { echo "lists: $tool is missing" >&2; exit 2; }
done
NAME=lists
# shellcheck source=bench/common.sh
source "$ROOT/bench/common.sh"
T_START=$(date +%s)

uri() { jq -rn --arg v "$1" '$v|@uri'; }
# wrk_row OUTFILE URL TOKEN: the measured run; prints "rps p50 p99 bad". No wrk warm-up: a
# filter request can take longer than a short warm-up, and the server would keep working on the
# abandoned ones during the measured run (the caller's single curl request warms the cache).
wrk_row() {
  timeout 60 wrk -t2 -c8 -d"$DUR" --timeout 20s --latency -s "$HERE/get.lua" \
    -H "Authorization: Bearer $3" "$2" >"$1" 2>&1 || true
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$1")
  p50=$(awk '$1=="50%" {print $2}' "$1")
  p99=$(awk '$1=="99%" {print $2}' "$1")
  bad=$(awk '/^BAD_STATUS/ {print $2}' "$1")
  if grep -q ' 0 requests in' "$1"; then rps=0 p50=none-finished p99=none-finished; fi
  echo "${rps:-?} ${p50:-?} ${p99:-?} ${bad:-?}"
}
# load_users BASE TOKEN TARGET BUDGET_S PREFIX: wrk POSTs unique users (-t1 -c$LOAD_C, default 256) until TARGET
# are created or BUDGET_S passes; prints "created seconds rate"
load_users() {
  local quota=$3 t0 t1 out="$SCRATCH/load-$5.txt"
  t0=$(date +%s.%N)
  LOAD_QUOTA=$quota LOAD_PREFIX=$5 timeout $(($4 + 30)) wrk -t1 -c"${LOAD_C:-256}" -d"$4"s --timeout 30s \
    -s "$HERE/load.lua" -H "Authorization: Bearer $2" "$1/Users" >"$out" 2>&1 || true
  t1=$(date +%s.%N)
  local created
  created=$(awk '/^LOAD_CREATED/ {print $2}' "$out")
  awk -v c="${created:-0}" -v a="$t0" -v b="$t1" 'BEGIN {printf "%d %.1f %.0f\n", c, b-a, c/(b-a)}'
}
# total BASE TOKEN [FILTER]: totalResults of a list (count=0)
total() {
  local q="count=0"
  [ -n "${3-}" ] && q="$q&filter=$(uri "$3")"
  timeout 120 curl -s -H "Authorization: Bearer $2" "$1/Users?$q" | jq -r '.totalResults // .detail // "?"'
}

# ---- scimd: one tenant, grown from N_FILTER (row 1) to N_PAGING (row 2) ----
DB="$SCRATCH/lists.sqlite"
TENANT_JSON=$("$SCIMD_BIN" tenant create bench --db "sqlite:$DB" --json)
TOKEN=$(jq -r .token <<<"$TENANT_JSON")
BASE="http://127.0.0.1:$PORT/scim/v2/bench"
"$SCIMD_BIN" serve --db "sqlite:$DB" --listen "127.0.0.1:$PORT" \
  --public-url "http://127.0.0.1:$PORT" >"$SCRATCH/scimd.log" 2>&1 &
SCIMD_PID=$!
PIDS+=("$SCIMD_PID")
wait_for "$SCRATCH/scimd.log" listening 30

log "loading $N_FILTER users into scimd"
read -r L1_N L1_S L1_RATE < <(load_users "$BASE" "$TOKEN" "$N_FILTER" "$LOAD_BUDGET" u)
N1=$(total "$BASE" "$TOKEN")
log "scimd: created $L1_N in ${L1_S}s ($L1_RATE/s); totalResults $N1"

F_A='title co "eng"'
F_B='(title co "eng" or title sw "Sales") and active eq true and emails[type eq "work" and value ew "@example.com"]'
F_C='userName eq "u0-500@example.com"'
declare -A ROW_T ROW_W ROW_1
for k in a b c; do
  var="F_${k^^}"
  f=${!var}
  ROW_T[$k]=$(total "$BASE" "$TOKEN" "$f")
  log "scimd filter ($k) totalResults ${ROW_T[$k]}; wrk $DUR"
  ROW_1[$k]=$(timeout 120 curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" \
    "$BASE/Users?filter=$(uri "$f")&count=10")
  ROW_W[$k]=$(wrk_row "$SCRATCH/wrk-scimd-$k.txt" "$BASE/Users?filter=$(uri "$f")&count=10" "$TOKEN")
  log "  -> ${ROW_W[$k]}"
done
RSS1=$(awk '/VmHWM/ {print $2}' /proc/$SCIMD_PID/status)

# ---- Jackson mem, same users, row (a) only ----
J_NOTE="skipped (NO_JACKSON=1)"
J_W="- - - -"; J_N="-"; J_T="-"; J_RATE="-"; J_S="-"; J_SAMPLE=""
if [ -z "${NO_JACKSON-}" ] && [ -f "$PEERS_DIR/jackson.js" ] && [ -d "$PEERS_DIR/node_modules" ]; then
  (cd "$PEERS_DIR" && PORT=$JPORT TOKEN=$TOKEN_J exec node jackson.js) >"$SCRATCH/jackson.log" 2>&1 &
  J_PID=$!
  PIDS+=("$J_PID")
  if wait_for "$SCRATCH/jackson.log" "$JPORT" 60; then
    JBASE="http://127.0.0.1:$JPORT/scim/v2"
    log "loading $N_FILTER users into Jackson mem"
    read -r J_N J_S J_RATE < <(load_users "$JBASE" "$TOKEN_J" "$N_FILTER" "$LOAD_BUDGET" u)
    J_T=$(total "$JBASE" "$TOKEN_J" "$F_A")
    J_SAMPLE=$(timeout 60 curl -s -o "$SCRATCH/j-a.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN_J" \
      "$JBASE/Users?filter=$(uri "$F_A")&count=10"; echo -n " $(jq -c '{totalResults, itemsPerPage, n: (.Resources|length), detail}' "$SCRATCH/j-a.json" 2>/dev/null)")
    log "jackson (a): $J_SAMPLE; wrk $DUR"
    J_W=$(wrk_row "$SCRATCH/wrk-jackson-a.txt" "$JBASE/Users?filter=$(uri "$F_A")&count=10" "$TOKEN_J")
    log "  -> $J_W"
    J_NOTE="measured"
  else
    J_NOTE="did not start (see log)"
  fi
  kill "$J_PID" 2>/dev/null || true
  wait "$J_PID" 2>/dev/null || true
fi

# ---- row 2: grow the scimd tenant to N_PAGING, then paging ----
MORE=$((N_PAGING - N1))
log "growing scimd to $N_PAGING users (+$MORE, budget ${LOAD_BUDGET}s)"
read -r L2_N L2_S L2_RATE < <(load_users "$BASE" "$TOKEN" "$MORE" "$LOAD_BUDGET" v)
N2=$(total "$BASE" "$TOKEN")
log "scimd: created $L2_N in ${L2_S}s ($L2_RATE/s); totalResults $N2"
DBSIZE=$(du -sh "$SCRATCH" | cut -f1)

log "cursor walk: $CURSOR_PAGES pages of 100"
CURSOR_JSON=$(DEADLINE_S=300 timeout 330 node "$HERE/walk.js" cursor "$BASE" "$TOKEN" "$CURSOR_PAGES" 100)
log "  -> $CURSOR_JSON"
log "startIndex probes: $STARTS x $REPS"
INDEX_JSON=$(DEADLINE_S=300 timeout 330 node "$HERE/walk.js" index "$BASE" "$TOKEN" 100 "$REPS" "$STARTS")
log "  -> $INDEX_JSON"
log "count=0 probe (totalResults only)"
COUNT0_JSON=$(DEADLINE_S=120 timeout 150 node "$HERE/walk.js" index "$BASE" "$TOKEN" 0 "$REPS" 1)
log "  -> $COUNT0_JSON"
RSS2=$(awk '/VmHWM/ {print $2}' /proc/$SCIMD_PID/status)
T_END=$(date +%s)

# ---- report ----
REPORT="$SCRATCH/lists.md"
row() { # label filter-key
  read -r rps p50 p99 bad <<<"${ROW_W[$2]}"
  echo "| $1 | ${ROW_T[$2]} | ${ROW_1[$2]} s | $rps | $p50 | $p99 | $bad |"
}
{
  echo "# scimd list/filter performance on large tenants"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$ROOT" rev-parse --short HEAD)"
  echo "- machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/Mem:/ {print $2}') GiB RAM; scimd Release, SQLite file store; server, wrk and loaders share the 2 cores"
  echo "- command: \`$CMD\` (mode $MODE, total $((T_END - T_START)) s)"
  echo "- users: Entra-shaped bodies (\`bench/lists/load.lua\`): title cycles 10 values, only \"Engineer\" contains \"eng\" (10%); 1 in 20 inactive; 1 in 4 mail at example.org"
  echo
  echo "## 1. Filters at $N1 users (\`wrk -t2 -c8 -d$DUR --latency\`, count=10; one curl request first, no wrk warm-up)"
  echo
  echo "Load: $L1_N users created over HTTP (wrk -t1 -c${LOAD_C:-256} POST, \`bench/lists/load.lua\`) in $L1_S s = **$L1_RATE users/s**."
  echo
  echo "| server / filter | totalResults | one request (curl, cold) | req/s | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|---|---|"
  row "scimd (a) \`$F_A\`" a
  row "scimd (b) \`$F_B\`" b
  row "scimd (c) \`$F_C\`" c
  read -r rps p50 p99 bad <<<"$J_W"
  echo "| Jackson mem (a) \`$F_A\` | $J_T | - | $rps | $p50 | $p99 | $bad |"
  echo
  echo "Jackson mem: $J_NOTE; loaded $J_N users in $J_S s ($J_RATE users/s). Answer to (a) with count=10 (HTTP status, then body summary): \`$J_SAMPLE\`."
  echo
  echo "Why Jackson answers 500: \`DirectoryUsers.getAll\` (saml-jackson 26.2.0, dist/directory-sync/scim/DirectoryUsers.js) treats any filter as \`userName eq\`: it takes \`filter.split('eq ')[1]\`, which is undefined for \`title co \"eng\"\`, and \`.replace\` on it throws. Its req/s above is the rate of 500 answers, not of filtering; it has no equivalent of (a) or (b)."
  echo
  echo "scimd peak RSS after row 1: $((RSS1 / 1024)) MiB."
  echo
  echo "## 2. Paging at $N2 users (startIndex depth vs RFC 9865 cursor)"
  echo
  echo "Load: +$L2_N users in $L2_S s = **$L2_RATE users/s** (tenant now $N2 users; database dir $DBSIZE; scimd peak RSS $((RSS2 / 1024)) MiB)."
  echo
  echo "startIndex, count=100, $REPS sequential requests each on one keep-alive connection (ms):"
  echo
  echo "| startIndex | resources | median | min | max |"
  echo "|---|---|---|---|---|"
  jq -r '.probes[] | "| \(.startIndex) | \(.resources) | \(.latency_ms.p50) | \(.latency_ms.min) | \(.latency_ms.max) |"' <<<"$INDEX_JSON"
  echo
  echo "Cursor walk from the first page, count=100, $CURSOR_PAGES consecutive pages (ms per page):"
  echo
  echo "| pages | resources | p50 | p90 | p99 | max | mean of first 10 | mean of last 10 |"
  echo "|---|---|---|---|---|---|---|---|"
  jq -r '"| \(.pages) | \(.resources) | \(.latency_ms.p50) | \(.latency_ms.p90) | \(.latency_ms.p99) | \(.latency_ms.max) | \(.first10_mean_ms) | \(.last10_mean_ms) |"' <<<"$CURSOR_JSON"
  jq -r 'if (.errors|length) > 0 then "\nCursor walk errors: \(.errors|tojson)" else empty end' <<<"$CURSOR_JSON"
  echo
  echo "## Observations"
  echo
  jq -rn --argjson i "$INDEX_JSON" --argjson c "$CURSOR_JSON" --argjson cnt "$COUNT0_JSON" '
    ($i.probes | first.latency_ms.p50) as $a | ($i.probes | last.latency_ms.p50) as $z |
    "- startIndex median goes from \($a) ms at startIndex=\($i.probes|first.startIndex) to \($z) ms at startIndex=\($i.probes|last.startIndex) (x\(if $a > 0 then (($z / $a) * 10 | round / 10) else "?" end)).",
    "- cursor walk: p50 \($c.latency_ms.p50) ms per page over \($c.pages) pages; first 10 pages mean \($c.first10_mean_ms) ms, last 10 mean \($c.last10_mean_ms) ms.",
    "- count=0 (totalResults only, no page) median: \($cnt.probes[0].latency_ms.p50) ms. Every list page, cursor pages included, runs COUNT(*) over the filter for totalResults (SqliteStore::list), so at this size that count is the floor of every page; startIndex adds the OFFSET scan on top.",
    "- a wrk row reads \"none-finished\" when no request finished inside the run (each one took longer than the run at -c8 on 2 cores); the one-request column gives the latency of one request alone."'
  echo "- load rates are for single-user POSTs (each a committed write, synchronous=FULL with group commit) while the tenant grows."
} >"$REPORT"
if [ "$MODE" = full ]; then
  mkdir -p "$ROOT/bench/results"
  cp "$REPORT" "$ROOT/bench/results/lists.md"
  log "wrote bench/results/lists.md"
fi
cat "$REPORT"
exit 0 # inside the block: never read past it, even if the file was edited during a run
}
