#!/usr/bin/env bash
# Entra initial-cycle replay (issue 7): bench/replay/ (scimd-replay) sends Entra's request pattern
# (lookup + POST per user, lookup + POST per group, member PATCH batches of 25) to
#   1. the fixed-reply ceiling (nginx, 1 worker, --blind): shows the client drives more than needed
#   2. scimd on a fresh SQLite file with one tenant
#   3. Jackson mem (../shared/bench/peers/jackson.js, in-memory store)
# with the same arguments, then writes bench/results/<date>/replay-*.json and replaces the
# "Entra initial-cycle replay" section of bench/RESULTS.md.
#   bash bench/replay.sh           100k users, 1k groups, 200k memberships, concurrency 16
#   bash bench/replay.sh --quick   2k users, 50 groups, 4k memberships; ceiling + scimd only;
#                                  prints the summaries, writes nothing (a smoke step)
# Env: REPLAY_USERS REPLAY_GROUPS REPLAY_MEMBERSHIPS CONCURRENCY (override the size), BUDGET (s per server run,
#      default 1200: a run past it stops and is reported as incomplete), SCIMD_BIN (default: the
#      shared Release build), REPLAY_BUILD (default build/replay), PORT (8140), JACKSON_PORT
#      (8141), CEILING_PORT (8148), NO_JACKSON=1, SCIMD_BIN_COMMIT (what SCIMD_BIN was built from,
#      when not the working tree, e.g. a clean export of a commit). Every server is bound to 127.0.0.1 and killed
#      by PID in the EXIT trap; every client run is bounded by `timeout`.
set -euo pipefail
{ # read the whole script before running it
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS_DIR="$ROOT/../shared/bench/peers"
MODE=full
case "${1-}" in
  --quick) MODE=quick ;;
  "") ;;
  *) echo "usage: bench/replay.sh [--quick]" >&2; exit 2 ;;
esac
CMD="bash bench/replay.sh${1:+ $1}"
if [ "$MODE" = quick ]; then
  REPLAY_USERS=${REPLAY_USERS:-2000} REPLAY_GROUPS=${REPLAY_GROUPS:-50} REPLAY_MEMBERSHIPS=${REPLAY_MEMBERSHIPS:-4000} BUDGET=${BUDGET:-120}
else
  REPLAY_USERS=${REPLAY_USERS:-100000} REPLAY_GROUPS=${REPLAY_GROUPS:-1000} REPLAY_MEMBERSHIPS=${REPLAY_MEMBERSHIPS:-200000}
  BUDGET=${BUDGET:-1200}
fi
CONCURRENCY=${CONCURRENCY:-16}
PORT=${PORT:-8140}
JPORT=${JACKSON_PORT:-8141}
CPORT=${CEILING_PORT:-8148}
for tool in jq nginx curl cmake ninja; do
  command -v "$tool" >/dev/null || { echo "replay: $tool is missing" >&2; exit 2; }
done
NAME=replay
# The tree the binaries are built from: others may commit while the replay runs.
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD)
DIRTY=$(git -C "$ROOT" status --porcelain -- src CMakeLists.txt bench/replay | wc -l)
SOURCE="commit $COMMIT$([ "$DIRTY" -gt 0 ] && echo " + uncommitted changes" || true) when the run started"
TOOL_DIRTY=$(git -C "$ROOT" status --porcelain -- bench/replay | wc -l)
[ -n "${SCIMD_BIN_COMMIT-}" ] && SOURCE="scimd built from $SCIMD_BIN_COMMIT, replay tool from commit $COMMIT$([ "$TOOL_DIRTY" -gt 0 ] && echo " + uncommitted changes" || true)"
# shellcheck source=bench/common.sh
source "$ROOT/bench/common.sh"
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%FT%TZ)

# The replay tool: its own Release tree, with the Release flags of scripts/build-release.sh.
REPLAY_BUILD=${REPLAY_BUILD:-$ROOT/build/replay}
RELEASE_CXXFLAGS=$(sed -n 's/^RELEASE_CXXFLAGS+\{0,1\}="\(.*\)"$/\1/p' "$ROOT/scripts/build-release.sh" | paste -sd' ')
cmake -S "$ROOT" -B "$REPLAY_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSCIMD_TESTS=OFF \
  -DSCIMD_BENCH=ON -DCMAKE_CXX_FLAGS="$RELEASE_CXXFLAGS" >/dev/null
ninja -C "$REPLAY_BUILD" -j"${JOBS:-2}" scimd-replay >/dev/null
REPLAY="$REPLAY_BUILD/bench/replay/scimd-replay"
SIZE=(--users "$REPLAY_USERS" --groups "$REPLAY_GROUPS" --memberships "$REPLAY_MEMBERSHIPS" --concurrency "$CONCURRENCY")

# replay LABEL PID BASE TOKEN [--blind]: one bounded run; writes $SCRATCH/replay-LABEL.json with
# the server's CPU seconds and peak RSS added, and prints the client's text summary to stderr
replay() {
  local label=$1 pid=$2 base=$3 token=$4 out="$SCRATCH/replay-$1.json" rc=0 ticks0 ticks1
  shift 4
  ticks0=$(ticks "$pid")
  log "$label: replay ${SIZE[*]} $* (budget ${BUDGET}s)"
  timeout $((BUDGET + 60)) "$REPLAY" "$base" "$token" "${SIZE[@]}" --deadline "$BUDGET" --json "$@" \
    >"$out.raw" || rc=$?
  ticks1=$(ticks "$pid")
  if ! jq -e . "$out.raw" >/dev/null 2>&1; then
    echo "{\"completed\":false,\"stop_reason\":\"client exit $rc without a summary\"}" >"$out.raw"
  fi
  jq -c --arg name "$label" --argjson rc "$rc" \
    --argjson cpu "$(awk -v a="$ticks0" -v b="$ticks1" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", (b - a) / hz}')" \
    --argjson rss "$(peak_kb "$pid")" \
    '. + {label: $name, exit_code: $rc, server_cpu_seconds: $cpu, server_peak_rss_kb: $rss}' \
    "$out.raw" >"$out"
  jq -r '"  \(.label): \(.seconds // "-") s, \(.rps // 0 | floor) req/s, completed \(.completed), unexpected \(.unexpected // "-"), socket errors \(.socket_errors // "-"), exit \(.exit_code)" + (if .stop_reason != "" then " (\(.stop_reason))" else "" end)' "$out" >&2
  jq -r '.phases[]? | "    \(.name): \(.seconds * 100 | round / 100) s, \(.rps | floor) req/s"' "$out" >&2
  jq -r '.kinds // {} | to_entries[] | "    \(.key): p50 \(.value.p50_ms) ms, p99 \(.value.p99_ms) ms"' "$out" >&2
  jq -r '.first_failures[]? | "    failure: \(.kind) \(.status) \(.target) \(.detail)"' "$out" >&2
}

# Memberships the replay gave group 0 (the rule in bench/replay/workload.cpp).
EXPECTED_G0=$(awk -v n="$REPLAY_USERS" -v g="$REPLAY_GROUPS" -v m="$REPLAY_MEMBERSHIPS" \
  'BEGIN { for (j = 0; j < m; j++) if ((j % n + int(j / n)) % g == 0) c++; print c + 0 }')
# checked FILE TEXT: records in the run's JSON what the server holds after the replay
checked() { jq -c --arg c "$2" '. + {members_check: $c}' "$1" >"$1.tmp" && mv "$1.tmp" "$1"; log "  check: $2"; }
# check_scimd BASE TOKEN: group 0's member count, read back
check_scimd() {
  local q id n
  q=$(jq -rn --arg v 'displayName eq "Replay Group 0"' '$v|@uri')
  id=$(timeout 60 curl -s -H "Authorization: Bearer $2" "$1/Groups?excludedAttributes=members&filter=$q" | jq -r '.Resources[0].id // empty')
  n=$(timeout 60 curl -s -H "Authorization: Bearer $2" "$1/Groups/$id" | jq '.members // [] | length')
  checked "$SCRATCH/replay-scimd.json" "group 0 has $n of $EXPECTED_G0 members (GET /Groups/{id})"
}
# check_jackson: Jackson reads no members back (GET returns members: []); its events do count them
check_jackson() {
  local n
  n=$(timeout 60 curl -s "http://127.0.0.1:$JPORT/healthz" | jq '.events["group.user_added"] // 0')
  checked "$SCRATCH/replay-jackson-mem.json" "$n of $REPLAY_MEMBERSHIPS group.user_added events (/healthz)"
}

# ---- 1. ceiling: nginx with the peers' fixed reply to every method ----
start_ceiling "$CPORT"
replay ceiling "${PIDS[-1]}" "http://127.0.0.1:$CPORT/scim/v2" none --blind
stop "${PIDS[-1]}"

# ---- 2. scimd: a fresh SQLite file, one tenant ----
start_scimd_sqlite "$PORT" "$SCRATCH/replay.sqlite" >"$SCRATCH/token"
TOKEN=$(cat "$SCRATCH/token")
replay scimd "${PIDS[-1]}" "http://127.0.0.1:$PORT/scim/v2/bench" "$TOKEN"
check_scimd "http://127.0.0.1:$PORT/scim/v2/bench" "$TOKEN"
stop "${PIDS[-1]}"

# ---- 3. Jackson mem, started as ../shared/bench/peers/bench.sh does ----
RUNS=(ceiling scimd)
if [ "$MODE" = full ] && [ -z "${NO_JACKSON-}" ]; then
  start_jackson_mem "$JPORT"
  replay jackson-mem "${PIDS[-1]}" "http://127.0.0.1:$JPORT/scim/v2" bench-token
  check_jackson
  stop "${PIDS[-1]}"
  RUNS+=(jackson-mem)
fi
if [ "$MODE" = quick ]; then
  # A smoke pass fails on an unexpected reply, a socket error, a stopped run or a lost member.
  if ! jq -s -e 'all(.[]; .exit_code == 0)' "$SCRATCH/replay-ceiling.json" "$SCRATCH/replay-scimd.json" >/dev/null ||
    [ "$(jq -r .members_check "$SCRATCH/replay-scimd.json")" != "group 0 has $EXPECTED_G0 of $EXPECTED_G0 members (GET /Groups/{id})" ]; then
    echo "replay: the quick pass failed (see above)" >&2
    exit 1
  fi
  exit 0
fi

# ---- report ----
DAY=$(date -u +%F)
OUTDIR="$ROOT/bench/results/$DAY"
mkdir -p "$OUTDIR"
for r in "${RUNS[@]}"; do cp "$SCRATCH/replay-$r.json" "$OUTDIR/replay-$r.json"; done
J="$SCRATCH/replay-jackson-mem.json"
[ -f "$J" ] || echo '{"completed":false,"stop_reason":"not run"}' >"$J"
C="$SCRATCH/replay-ceiling.json" S="$SCRATCH/replay-scimd.json"
# cell FILE JQ-EXPRESSION: one value, "-" when missing
cell() { jq -r "($2) // \"-\" | if type == \"number\" then (. * 100 | round / 100) else . end" "$1"; }
ratio() {
  awk -v a="$(cell "$S" "$1")" -v b="$(cell "$J" "$1")" \
    'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.3f×", a / b; else print "-" }'
}
row() { # label jq-expression
  echo "| $1 | $(cell "$C" "$2") | $(cell "$S" "$2") | $(cell "$J" "$2") | $(ratio "$2") |"
}
SECTION="$SCRATCH/section.md"
{
  echo "## Entra initial-cycle replay (\`bash bench/replay.sh\`)"
  echo
  echo "- date: $STARTED to $(date -u +%FT%TZ); $SOURCE; command \`$CMD\`; scimd binary \`${SCIMD_BIN/#$ROOT\//}\` (built $(date -u -r "$SCIMD_BIN" +%FT%TZ))"
  echo "- machine: $(nproc) cores, load average at start $LOAD_AT_START (1, 5, 15 min; other builds share the cores); client, servers and ceiling all on 127.0.0.1, unpinned"
  echo "- replay: \`scimd-replay\` (bench/replay/, one thread, Asio/Beast, $CONCURRENCY keep-alive connections); $REPLAY_USERS users, $REPLAY_GROUPS groups, $REPLAY_MEMBERSHIPS memberships ($(jq -r .member_patches "$S") PATCHes); per user \`GET /Users?filter=userName eq\` (must be empty) then \`POST /Users\` (Entra's default-mapping body); per group \`GET /Groups?excludedAttributes=members&filter=displayName eq\` then \`POST /Groups\` with no members; then per group, in order, \`PATCH /Groups/{id}\` adding 25 members (\`op: add\`, \`value: [{value: id}, …]\`: Entra with the \`aadOptscim062020\` flag; Entra's default dialect sends \`Add\`, which Jackson compares case-sensitively and answers with a 200 without adding anyone). Membership j puts user j mod N in group (j mod N + j div N) mod G: every user in $((REPLAY_MEMBERSHIPS / REPLAY_USERS)) groups, every group ~$((REPLAY_MEMBERSHIPS / REPLAY_GROUPS)) members. Each run stops at ${BUDGET} s and is then reported as incomplete."
  echo "- ceiling: nginx, 1 worker, the peers' fixed 819-byte reply to every method (\`--blind\`: no reply parsing, synthetic ids); scimd: fresh SQLite file, one tenant, Release; Jackson mem: ../shared/bench/peers/jackson.js, \`JACKSON_DB=mem\`"
  echo "- raw: [results/$DAY](results/$DAY) (\`replay-*.json\`)"
  echo
  echo "| | ceiling (blind) | scimd | jackson-mem | scimd / jackson-mem |"
  echo "|---|---:|---:|---:|---:|"
  row "wall time, users phase (s)" '.phases[0].seconds'
  row "wall time, groups phase (s)" '.phases[1].seconds'
  row "wall time, memberships phase (s)" '.phases[2].seconds'
  row "**wall time, whole cycle (s)**" '.seconds'
  row "requests" '.requests'
  row "requests/s" '.rps'
  for k in user_lookup user_create group_lookup group_create member_patch; do
    row "p99 $k (ms)" ".kinds.$k.p99_ms"
  done
  row "unexpected replies / socket errors" 'if .unexpected then "\(.unexpected) / \(.socket_errors)" else null end'
  row "completed" '.completed | tostring'
  row "memberships held afterwards" '.members_check'
  row "server CPU (s)" '.server_cpu_seconds'
  row "server peak RSS (MiB)" '.server_peak_rss_kb / 1024'
  row "client CPU (s)" '.client_cpu_seconds'
  row "client CPU per request (µs)" '.client_cpu_seconds / .requests * 1e6'
  echo
  echo "Target (issue 7): scimd's whole-cycle wall time <= 0.1× Jackson mem's. The ceiling column shows the client's own limit on this machine (it shares the 2 cores with nginx): it must stay well above the scimd column's req/s; the client's CPU per request bounds one client thread at about $(jq -r '1 / (.client_cpu_seconds / .requests) | floor' "$C") requests/s."
  if [ "$(jq -r .completed "$J")" != true ] || [ "$(jq -r .unexpected "$J")" != 0 ]; then
    echo
    echo "Jackson mem did not finish cleanly: $(jq -r '"stop: \(.stop_reason // "-"), unexpected \(.unexpected // "-"), first failures: \([.first_failures[]? | "\(.kind) \(.status) \(.detail[0:160])"] | join("; "))"' "$J")"
  fi
  echo
} >"$SECTION"
replace_section "Entra initial-cycle replay" "$SECTION"
cat "$SECTION"
log "wrote $OUTDIR/replay-*.json and the section in bench/RESULTS.md"
exit 0
}
