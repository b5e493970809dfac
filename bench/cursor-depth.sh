#!/usr/bin/env bash
# Cursor page 10,000 against page 1 (issue target: within 1.5x). Loads USERS users (default
# 100,000) over HTTP, then walks every page by RFC 9865 cursor with count=COUNT (default 10,
# so the walk reaches page 10,000), and compares the mean latency of pages 1-10 with that of
# the last 10 pages. Loopback only; every step bounded in time; kills what it starts.
#   bash bench/cursor-depth.sh                 (writes bench/results/cursor-depth.md)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
USERS=${USERS:-100000}
COUNT=${COUNT:-10}
PAGES=$(((USERS + COUNT - 1) / COUNT))
PORT=${PORT:-8121}
WORK=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

BIN="$ROOT/build/release/scimd"
[ -x "$BIN" ] || JOBS=${JOBS:-2} bash "$ROOT/scripts/build-release.sh" scimd
TOKEN=$("$BIN" tenant create bench --db "sqlite:$WORK/db" --json | jq -r .token)
"$BIN" serve --db "sqlite:$WORK/db" --listen "127.0.0.1:$PORT" --public-url "http://127.0.0.1:$PORT" \
  >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 50); do grep -q listening "$WORK/server.log" && break; sleep 0.1; done
BASE="http://127.0.0.1:$PORT/scim/v2/bench"

t0=$(date +%s)
LOAD_QUOTA=$USERS LOAD_PREFIX=d timeout 900 wrk -t1 -c128 -d870s --timeout 30s \
  -s "$HERE/lists/load.lua" -H "Authorization: Bearer $TOKEN" "$BASE/Users" >"$WORK/load.txt" 2>&1 || true
LOADED=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/Users?count=0" | jq .totalResults)
LOAD_S=$(($(date +%s) - t0))
PAGES=$(((LOADED + COUNT - 1) / COUNT))
WALK=$(DEADLINE_S=1500 timeout 1560 node "$HERE/lists/walk.js" cursor "$BASE" "$TOKEN" "$PAGES" "$COUNT")
RSS=$(awk '/VmHWM/ {print int($2/1024)}' "/proc/$PID/status")

OUT="$ROOT/bench/results/cursor-depth.md"
{
  echo "# Cursor page $PAGES against page 1"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git -C "$ROOT" rev-parse --short HEAD)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "- command: \`bash bench/cursor-depth.sh\` (USERS=$USERS COUNT=$COUNT)"
  echo "- tenant: $LOADED users, loaded over HTTP in ${LOAD_S}s; scimd peak RSS ${RSS} MiB"
  echo
  echo "| pages walked | mean of pages 1-10 (ms) | mean of the last 10 pages (ms) | ratio last/first | p50 | p99 |"
  echo "|---|---|---|---|---|---|"
  echo "$WALK" | jq -r '"| \(.pages) | \(.first10_mean_ms) | \(.last10_mean_ms) | \((.last10_mean_ms / .first10_mean_ms * 100 | round) / 100) | \(.latency_ms.p50) | \(.latency_ms.p99) |"'
  echo
  echo "Raw: \`$WALK\`"
} >"$OUT"
cat "$OUT"
