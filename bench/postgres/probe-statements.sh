#!/usr/bin/env bash
# Diagnostic for bench/postgres.sh: what PostgreSQL does per create with one and with two scimd
# instances on one database. For each case: a fresh database, N users POSTed (split evenly over
# the instances), then the deltas of pg_stat_database (transactions, rows returned/fetched/
# inserted/updated) and the per-table scans of pg_stat_user_tables, divided by the creates.
#   bash bench/postgres/probe-statements.sh     (N=2000; ~1 min; prints a Markdown table)
# Loopback only, bounded by timeout, every process stopped by PID, the cluster deleted at exit.
set -euo pipefail
{
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
NAME=pg-probe
N=${N:-2000}
# shellcheck source=bench/common.sh
source "$ROOT/bench/common.sh"
PGDIR=$(mktemp -d /tmp/scimd-bench-pg.XXXXXX)
stop_all() {
  cleanup
  timeout -k 5 60 bash "$ROOT/scripts/pg-test-cluster.sh" stop "$PGDIR" || true
}
trap stop_all EXIT
PG_URL=$(timeout -k 5 120 bash "$ROOT/scripts/pg-test-cluster.sh" start "$PGDIR")
q() { timeout -k 5 60 psql -X -q -v ON_ERROR_STOP=1 -tA "$@"; }
stats() { # db -> one JSON object
  q "${PG_URL%/*}/$1" -c "select json_build_object(
    'xact_commit', (select xact_commit from pg_stat_database where datname = current_database()),
    'tup_returned', (select tup_returned from pg_stat_database where datname = current_database()),
    'tup_fetched', (select tup_fetched from pg_stat_database where datname = current_database()),
    'tup_inserted', (select tup_inserted from pg_stat_database where datname = current_database()),
    'tup_updated', (select tup_updated from pg_stat_database where datname = current_database()),
    'tables', (select json_object_agg(relname, json_build_object('seq_scan', seq_scan, 'seq_tup_read', seq_tup_read, 'idx_tup_fetch', coalesce(idx_tup_fetch, 0), 'idx_scan', coalesce(idx_scan, 0), 'ins', n_tup_ins, 'upd', n_tup_upd)) from pg_stat_user_tables))"
}
echo "| instances | creates | transactions/create | rows returned/create | rows fetched/create | rows inserted/create | rows updated/create | scans per create by table (seq+idx, top 6) | rows read by sequential scans per create, by table | rows fetched by index scans per create, by table (top 4) |"
echo "|---|---:|---:|---:|---:|---:|---:|---|---|---|"
for k in 1 2; do
  db="probe$k"
  q "$PG_URL" -c "CREATE DATABASE $db"
  url="${PG_URL%/*}/$db"
  token=$(timeout -k 5 60 "$SCIMD_BIN" tenant create bench --db "$url" --json | jq -r .token)
  pids=()
  for i in $(seq 1 "$k"); do
    port=$((8140 + 10 * k + i))
    "$SCIMD_BIN" serve --db "$url" --listen "127.0.0.1:$port" --public-url "http://127.0.0.1:$port" \
      --mail-dir "$SCRATCH/mail$k$i" > "$SCRATCH/probe$k$i.log" 2>&1 &
    pids+=("$!"); PIDS+=("$!")
    for _ in $(seq 1 150); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && break; sleep 0.2; done
  done
  sleep 2
  before=$(stats "$db")
  jobs_=()
  for i in $(seq 1 "$k"); do
    port=$((8140 + 10 * k + i))
    timeout -k 5 300 node bench/postgres/preload.js "http://127.0.0.1:$port/scim/v2/bench" "$token" $((N / k)) $((16 / k)) "p$i" > "$SCRATCH/pre$k$i.json" &
    jobs_+=("$!")
  done
  for j in "${jobs_[@]}"; do wait "$j"; done
  sleep 2   # statistics are flushed about once a second
  after=$(stats "$db")
  for p in "${pids[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
  jq -rn --argjson a "$before" --argjson b "$after" --arg k "$k" --arg n "$N" '
    def per(f): ((($b | f) - ($a | f)) / ($n | tonumber) * 100 | round / 100);
    "| \($k) | \($n) | \(per(.xact_commit)) | \(per(.tup_returned)) | \(per(.tup_fetched)) | \(per(.tup_inserted)) | \(per(.tup_updated)) | " +
    ([$b.tables | to_entries[] | {t: .key, s: ((.value.seq_scan + .value.idx_scan) - (($a.tables[.key] // {seq_scan: 0, idx_scan: 0}) | .seq_scan + .idx_scan))}]
      | sort_by(-.s) | .[0:6] | map("\(.t) \((.s / ($n | tonumber) * 100 | round / 100))") | join(", ")) + " | " +
    ([$b.tables | to_entries[] | {t: .key, s: (.value.seq_tup_read - (($a.tables[.key] // {seq_tup_read: 0}) | .seq_tup_read))} | select(.s > 0)]
      | sort_by(-.s) | map("\(.t) \((.s / ($n | tonumber) * 100 | round / 100))") | join(", ")) + " | " +
    ([$b.tables | to_entries[] | {t: .key, s: (.value.idx_tup_fetch - (($a.tables[.key] // {idx_tup_fetch: 0}) | .idx_tup_fetch))} | select(.s > 0)]
      | sort_by(-.s) | .[0:4] | map("\(.t) \((.s / ($n | tonumber) * 100 | round / 100))") | join(", ")) + " |"'
done
}
