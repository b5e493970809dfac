#!/usr/bin/env bash
# Creates under a client that is not the limit (issue 7): POST /Users with unique Entra-shaped
# users from wrk and bench/lists/load.lua (`wrk -t1 -c16`: concurrency 16, one wrk thread), to
#   1. the fixed-reply ceiling (nginx, 1 worker): shows how many POSTs/s the client can send;
#   2. scimd on a fresh SQLite file with one tenant (every 201 is a durable commit);
#   3. Jackson mem (../shared/bench/peers/jackson.js, in-memory store)
# each as a warm-up run then a measured run, and checks afterwards that scimd holds every user it
# answered 201 for. The peers' preload (single-process Node) tops out near scimd's rate, so this
# is the creates row of the targets; bench/run keeps the preload figures beside it.
#   bash bench/creates.sh           10 s measured after 3 s warm-up per server; writes
#                                   bench/results/<date>/creates-*.txt and replaces the
#                                   "Creates" section of bench/RESULTS.md
#   bash bench/creates.sh --quick   2 s after 1 s, ceiling and scimd only; prints, writes nothing
# Env: SCIMD_BIN (default: the shared Release build), CREATES_DUR, CREATES_WARM, CREATES_CONN
#      (16), PORT (8150), JACKSON_PORT (8151), CEILING_PORT (8158). Servers bind 127.0.0.1 and are
#      killed by PID in the EXIT trap; every wrk run is bounded by -d and by `timeout`.
set -euo pipefail
{ # read the whole script before running it
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODE=full
case "${1-}" in
  --quick) MODE=quick ;;
  "") ;;
  *) echo "usage: bench/creates.sh [--quick]" >&2; exit 2 ;;
esac
CMD="bash bench/creates.sh${1:+ $1}"
if [ "$MODE" = quick ]; then
  DUR=${CREATES_DUR:-2} WARM=${CREATES_WARM:-1}
else
  DUR=${CREATES_DUR:-10} WARM=${CREATES_WARM:-3}
fi
CONN=${CREATES_CONN:-16}
PORT=${PORT:-8150}
JPORT=${JACKSON_PORT:-8151}
CPORT=${CEILING_PORT:-8158}
for tool in wrk jq nginx curl; do
  command -v "$tool" >/dev/null || { echo "creates: $tool is missing: run scripts/setup.sh" >&2; exit 2; }
done
NAME=creates
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD)
DIRTY=$(git -C "$ROOT" status --porcelain -- src CMakeLists.txt | wc -l)
SOURCE="commit $COMMIT$([ "$DIRTY" -gt 0 ] && echo " + uncommitted changes" || true)"
# shellcheck source=bench/common.sh
source "$ROOT/bench/common.sh"
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%FT%TZ)
HZ=$(getconf CLK_TCK)

# latency_ms PERCENTILE FILE: wrk's latency at PERCENTILE ("50%") in milliseconds
latency_ms() {
  awk -v p="$1" '$1 == p {
    v = $2 + 0; u = $2; sub(/^[0-9.]+/, "", u)
    printf "%.3f", (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : (u == "m") ? v * 60000 : v
  }' "$2"
}
# post LABEL PID URL TOKEN: a warm-up run (userNames w0-*) then a measured run (m0-*); writes
# $SCRATCH/creates-LABEL.txt (wrk's text) and $SCRATCH/creates-LABEL.json (the figures).
post() {
  local label=$1 pid=$2 url=$3 token=$4 out="$SCRATCH/creates-$1.txt" t0 t1 s0 s1
  local wrk=(wrk -t1 -c"$CONN" --latency -s "$ROOT/bench/lists/load.lua" -H "Authorization: Bearer $token")
  LOAD_QUOTA=1000000000 LOAD_PREFIX=w timeout $((WARM + 30)) "${wrk[@]}" -d"${WARM}s" "$url" >"$out.warm"
  t0=$(ticks "$pid") s0=$(date +%s.%N)
  LOAD_QUOTA=1000000000 LOAD_PREFIX=m timeout $((DUR + 30)) "${wrk[@]}" -d"${DUR}s" "$url" >"$out"
  t1=$(ticks "$pid") s1=$(date +%s.%N)
  local warm_created created rps non2xx sockerr
  warm_created=$(awk '/^LOAD_CREATED/ {print $2}' "$out.warm")
  created=$(awk '/^LOAD_CREATED/ {print $2}' "$out")
  rps=$(awk '/^Requests\/sec/ {print $2}' "$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$out")
  sockerr=$(awk '/Socket errors/ {s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s}' "$out")
  jq -n --arg name "$label" --argjson rps "$rps" --argjson created "${created:-0}" \
    --argjson warm "${warm_created:-0}" --argjson non2xx "${non2xx:-0}" --argjson sockerr "${sockerr:-0}" \
    --argjson p50 "$(latency_ms 50% "$out")" --argjson p99 "$(latency_ms 99% "$out")" \
    --argjson cpu "$(awk -v a="$t0" -v b="$t1" -v s="$s0" -v e="$s1" -v hz="$HZ" 'BEGIN {printf "%.1f", 100 * (b - a) / hz / (e - s)}')" \
    --argjson rss "$(peak_kb "$pid")" \
    '{label: $name, rps: $rps, created: $created, warm_created: $warm, non2xx: $non2xx,
      socket_errors: $sockerr, p50: $p50, p99: $p99, server_cpu_pct: $cpu, peak_rss_kb: $rss}' \
    >"$SCRATCH/creates-$label.json"
  jq -r '"  \(.label): \(.rps | floor) POST/s, p50 \(.p50) ms, p99 \(.p99) ms, 201s \(.created), non-2xx \(.non2xx), socket errors \(.socket_errors), server CPU \(.server_cpu_pct)%"' \
    "$SCRATCH/creates-$label.json" >&2
}

log "wrk -t1 -c$CONN -s bench/lists/load.lua, ${WARM}s warm-up then ${DUR}s measured, per server"
start_ceiling "$CPORT"
post ceiling "${PIDS[-1]}" "http://127.0.0.1:$CPORT/scim/v2/Users" none
stop "${PIDS[-1]}"

start_scimd_sqlite "$PORT" "$SCRATCH/creates.sqlite" >"$SCRATCH/token"
TOKEN=$(cat "$SCRATCH/token")
BASE="http://127.0.0.1:$PORT/scim/v2/bench"
post scimd "${PIDS[-1]}" "$BASE/Users" "$TOKEN"
# Every 201 is a user the store keeps. wrk stops with up to CONN POSTs in flight per run, which
# the server may still commit: the tenant holds the answered users plus at most 2 × CONN.
HELD=$(timeout 60 curl -s -H "Authorization: Bearer $TOKEN" "$BASE/Users?count=0" | jq -r .totalResults)
stop "${PIDS[-1]}"
ANSWERED=$(jq '.created + .warm_created' "$SCRATCH/creates-scimd.json")
log "  scimd holds $HELD users after answering 201 to $ANSWERED POSTs"
RUNS=(ceiling scimd)

failed=0
if ! [ "$HELD" -ge "$ANSWERED" ] || ! [ "$HELD" -le $((ANSWERED + 2 * CONN)) ] ||
  [ "$(jq '.non2xx + .socket_errors' "$SCRATCH/creates-scimd.json")" != 0 ] ||
  [ "$(jq .created "$SCRATCH/creates-scimd.json")" = 0 ]; then
  echo "creates: scimd failed a POST or lost a user (held $HELD, answered 201 to $ANSWERED)" >&2
  failed=1
fi
if [ "$MODE" = quick ]; then exit "$failed"; fi

start_jackson_mem "$JPORT"
post jackson-mem "${PIDS[-1]}" "http://127.0.0.1:$JPORT/scim/v2/Users" bench-token
stop "${PIDS[-1]}"
RUNS+=(jackson-mem)

# ---- report ----
DAY=$(date -u +%F)
OUTDIR="$ROOT/bench/results/$DAY"
mkdir -p "$OUTDIR"
for r in "${RUNS[@]}"; do
  cp "$SCRATCH/creates-$r.txt" "$OUTDIR/creates-$r.txt"
  cp "$SCRATCH/creates-$r.json" "$OUTDIR/creates-$r.json"
done
C="$SCRATCH/creates-ceiling.json" S="$SCRATCH/creates-scimd.json" J="$SCRATCH/creates-jackson-mem.json"
cell() { jq -r "($2) // \"-\" | if type == \"number\" then (. * 10 | round / 10) else . end" "$1"; }
ratio() { # FILE-A FILE-B JQ: A's value / B's value
  awk -v a="$(jq -r "$3" "$1")" -v b="$(jq -r "$3" "$2")" \
    'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f×", a / b; else print "-" }'
}
row() { echo "| $1 | $(cell "$C" "$2") | $(cell "$S" "$2") | $(cell "$J" "$2") | $(ratio "$S" "$J" "$2") |"; }
VS_JACKSON=$(jq -rn --slurpfile s "$S" --slurpfile j "$J" '$s[0].rps / $j[0].rps * 100 | round / 100')
VS_CEILING=$(jq -rn --slurpfile s "$S" --slurpfile c "$C" '$s[0].rps / $c[0].rps * 100 | round / 100')
SECTION="$SCRATCH/section.md"
{
  echo "## Creates under wrk (\`bash bench/creates.sh\`)"
  echo
  echo "- date: $STARTED to $(date -u +%FT%TZ); scimd from $SOURCE; command \`$CMD\`"
  echo "- machine: $(nproc) cores, load average at start $LOAD_AT_START (1, 5, 15 min); client and servers on 127.0.0.1, unpinned"
  echo "- client: \`wrk -t1 -c$CONN --latency -s bench/lists/load.lua\`: POST /Users with unique Entra-shaped users (the bodies of the lists benchmark), ${WARM} s warm-up then ${DUR} s measured, per server"
  echo "- ceiling: nginx, 1 worker, the peers' fixed reply to every method: the rate the client can send on this machine; scimd: fresh SQLite file, one tenant, Release, every 201 a durable (fsync'd, group) commit; Jackson mem: ../shared/bench/peers/jackson.js, \`JACKSON_DB=mem\`, nothing on disk"
  echo "- raw: [results/$DAY](results/$DAY) (\`creates-*.txt\`, \`creates-*.json\`)"
  echo
  echo "| | ceiling | scimd | jackson-mem | scimd / jackson-mem |"
  echo "|---|---:|---:|---:|---:|"
  row "**POST /Users per second**" '.rps | round'
  row "201 replies (measured run)" 'if .label == "ceiling" then null else .created end'
  row "non-2xx replies / socket errors" '"\(.non2xx) / \(.socket_errors)"'
  row "latency p50 (ms)" '.p50'
  row "latency p99 (ms)" '.p99'
  row "server CPU (% of one core)" '.server_cpu_pct | round'
  row "POSTs per server CPU-second" '.rps / .server_cpu_pct * 100 | round'
  row "server peak RSS (MiB)" '.peak_rss_kb / 1024'
  echo
  echo "After the runs scimd held $HELD users: the $ANSWERED it answered 201 for (warm-up and measured) and $((HELD - ANSWERED)) whose replies were in flight when wrk stopped."
  echo
  echo "| row | target | measured | verdict |"
  echo "|---|---|---:|---|"
  echo "| creates/s (wrk, concurrency 16), scimd / jackson-mem | ≥ 5× | ${VS_JACKSON}× | $(awk -v v="$VS_JACKSON" 'BEGIN { print (v >= 5 ? "holds" : "misses") }') |"
  echo
  echo "scimd's rate is $(awk -v v="$VS_CEILING" 'BEGIN { printf "%.0f", v * 100 }') % of the rate the same client sends to the ceiling$(awk -v v="$VS_CEILING" 'BEGIN { print (v < 0.5 ? ", so the client is not what limits scimd." : ": the client may be part of the limit.") }')"
  echo
} >"$SECTION"
replace_section "Creates under wrk" "$SECTION"
cat "$SECTION"
log "wrote $OUTDIR/creates-*.{txt,json} and the section in bench/RESULTS.md"
exit "$failed"
}
