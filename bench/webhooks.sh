#!/usr/bin/env bash
# Webhook delivery benchmark (loopback only, < 3 min):
#   1. receiver ceiling: wrk on ONE connection against nginx answering 204 (what the dispatcher
#      uses per endpoint), so the receiver is shown not to be the limit;
#   2. create cost: wrk POST /Users (unique users) without, then with, one endpoint configured;
#   3. delivery throughput: every event of step 2 replayed from seq 1 to the nginx receiver
#      after a restart, timed from start until delivered_seq reaches the newest seq.
# Appends a section to bench/RESULTS.md. Env: SCIMD_BIN (default: the
# shared Release build), PORT (8130), RX_PORT (8131), DUR (5s per wrk run).
set -euo pipefail
{ # read the whole script before running it
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE="$ROOT/bench/webhooks"
PORT=${PORT:-8130}
RX_PORT=${RX_PORT:-8131}
DUR=${DUR:-5s}
for tool in wrk jq curl nginx; do
  command -v "$tool" >/dev/null || { echo "webhooks: $tool is missing" >&2; exit 2; }
done
NAME=webhooks
# shellcheck source=bench/common.sh
source "$ROOT/bench/common.sh"
DB="sqlite:$SCRATCH/scimd.db"

# --- the receiver: nginx answering 204 with keep-alive ----------------------------------
mkdir -p "$SCRATCH/nginx/logs"
cat > "$SCRATCH/nginx/nginx.conf" <<CONF
worker_processes 1;
error_log $SCRATCH/nginx/logs/error.log warn;
pid $SCRATCH/nginx/nginx.pid;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $SCRATCH/nginx/body;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$RX_PORT;
    location / { client_max_body_size 1m; return 204; }
  }
}
CONF
nginx -p "$SCRATCH/nginx" -c "$SCRATCH/nginx/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
sleep 0.5
RX_URL="http://127.0.0.1:$RX_PORT/hook"
RX_RPS=$(timeout 20 wrk -t1 -c1 -d3s -s "$HERE/post_event.lua" "$RX_URL" | awk '/Requests\/sec/ {print $2}')
log "receiver ceiling on one connection: $RX_RPS req/s"

# --- scimd --------------------------------------------------------------------------------
TOKEN=$("$SCIMD_BIN" tenant create bench --db "$DB" --json | jq -r .token)
start_scimd() {
  "$SCIMD_BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" >"$SCRATCH/serve.$1.log" 2>&1 &
  SCIMD_PID=$!
  PIDS+=($SCIMD_PID)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0; sleep 0.1; done
  log "scimd did not start"; tail -5 "$SCRATCH/serve.$1.log" >&2; exit 1
}
stop_scimd() { kill "$SCIMD_PID"; wait "$SCIMD_PID" 2>/dev/null || true; }
create_rps() {  # PREFIX -> req/s of unique-user creates
  TOKEN=$TOKEN PREFIX=$1 timeout 30 wrk -t2 -c8 -d"$DUR" -s "$HERE/create_user.lua" \
    "http://127.0.0.1:$PORT/scim/v2/bench/Users" > "$SCRATCH/wrk.$1.txt"
  grep -q "Non-2xx" "$SCRATCH/wrk.$1.txt" && { log "creates failed:"; cat "$SCRATCH/wrk.$1.txt" >&2; exit 1; }
  awk '/Requests\/sec/ {print $2}' "$SCRATCH/wrk.$1.txt"
}
hook_field() { "$SCIMD_BIN" webhook list --db "$DB" --tenant bench --json | jq -r ".[0].$1"; }

start_scimd 1
WITHOUT=$(create_rps a)
log "creates without an endpoint: $WITHOUT req/s"
HOOK=$("$SCIMD_BIN" webhook add --db "$DB" --tenant bench --url "$RX_URL" --json | jq -r .id)
sleep 1.5  # the dispatcher re-lists endpoints every second
WITH=$(create_rps b)
log "creates with an endpoint:    $WITH req/s"
stop_scimd

# --- delivery throughput: every event again from seq 1 ------------------------------------
LAST=$(sqlite3 "$SCRATCH/scimd.db" "SELECT event_seq FROM tenants WHERE name='bench'" 2>/dev/null ||
       echo "")
"$SCIMD_BIN" webhook replay --db "$DB" --tenant bench --from-seq 1 "$HOOK" >/dev/null
[ -n "$LAST" ] || LAST=$(hook_field delivered_seq)
T0=$(date +%s.%N)
start_scimd 2
for _ in $(seq 1200); do  # <= 120 s
  [ "$(hook_field delivered_seq)" -ge "$LAST" ] && break
  sleep 0.1
done
T1=$(date +%s.%N)
DONE=$(hook_field delivered_seq)
stop_scimd
ELAPSED=$(echo "$T1 - $T0" | bc -l)
EPS=$(echo "$DONE / $ELAPSED" | bc -l)
RATIO=$(echo "(1 - $WITH / $WITHOUT) * 100" | bc -l)
printf -v EPS_TXT "%.0f" "$EPS"
printf -v ELAPSED_TXT "%.2f" "$ELAPSED"
printf -v RATIO_TXT "%.1f" "$RATIO"
log "delivered $DONE of $LAST events in $ELAPSED_TXT s: $EPS_TXT events/s (includes scimd start-up)"

{
  echo
  echo "## Webhook delivery (\`bash bench/webhooks.sh\`)"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git -C "$ROOT" rev-parse --short HEAD)"
  echo "- machine: $(nproc) cores; binary: $SCIMD_BIN; receiver: nginx 1 worker answering 204, keep-alive"
  echo "- create cost: wrk -t2 -c8 -d$DUR POST /Users (one new user per request), without and then with one endpoint subscribed to everything (the dispatcher delivering while users are created)"
  echo "- delivery: the endpoint replayed from seq 1 (scimd webhook replay --from-seq 1), scimd restarted, timed until delivered_seq = newest seq (start-up included)"
  echo
  echo "| receiver ceiling, 1 connection (req/s) | creates without endpoint (req/s) | creates with endpoint (req/s) | create slowdown | events delivered | seconds | events/s |"
  echo "|---|---|---|---|---|---|---|"
  echo "| $RX_RPS | $WITHOUT | $WITH | $RATIO_TXT % | $DONE | $ELAPSED_TXT | $EPS_TXT |"
  echo
  echo "Targets: events add <= 15 % to a create; >= 2,000 events/s delivered to one receiver."
} | tee -a "$ROOT/bench/RESULTS.md"
exit 0
}
