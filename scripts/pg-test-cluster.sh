#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and benchmarks: initdb into a directory, serve on
# 127.0.0.1 at a free port, torn down by `stop`. No pre-existing server is assumed or touched.
#   bash scripts/pg-test-cluster.sh start DIR   prints the store URL: postgres://scimd@127.0.0.1:PORT/scimd
#   bash scripts/pg-test-cluster.sh stop DIR    stops the server and deletes DIR
#   bash scripts/pg-test-cluster.sh restart DIR [SECONDS]
#                                               stops (fast), stays down SECONDS (default 0), and
#                                               starts again on the same port (fault tests)
# initdb refuses to run as root: as root the cluster belongs to the `postgres` user that Debian's
# postgresql-15 package creates (scripts/setup.sh installs it); otherwise to the caller.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
down_seconds=${3:-0}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,10p' "$0" >&2; exit 2; }
[ -x "$PG_BIN/initdb" ] || { echo "pg-test-cluster: $PG_BIN/initdb not found (bash scripts/setup.sh)" >&2; exit 2; }

as_owner=()
if [ "$(id -u)" -eq 0 ]; then as_owner=(runuser -u postgres --); fi
pg() { "${as_owner[@]}" "$PG_BIN/$1" "${@:2}"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_server() {
  local port
  port=$(cat "$dir/port")
  # The socket directory is the cluster's own, so nothing under /run is needed.
  pg pg_ctl -D "$dir/data" -l "$dir/server.log" -w -t 30 -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
  for _ in $(seq 1 50); do
    pg pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 0.2
  done
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ ${#as_owner[@]} -gt 0 ]; then chown postgres: "$dir"; fi
    "${as_owner[@]}" test -w "$dir" -a -x "$dir" || {
      echo "pg-test-cluster: $dir is not reachable by the cluster's owner ($(id -un "${as_owner[2]:-$(id -u)}" 2>/dev/null || true)); a parent directory is not searchable (mode 0700?)" >&2
      exit 1
    }
    pg initdb -D "$dir/data" -U scimd -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
    free_port > "$dir/port"
    start_server
    pg createdb -h 127.0.0.1 -p "$(cat "$dir/port")" -U scimd scimd
    echo "postgres://scimd@127.0.0.1:$(cat "$dir/port")/scimd"
    ;;
  restart)
    pg pg_ctl -D "$dir/data" -m fast -w stop >/dev/null
    sleep "$down_seconds"
    start_server
    ;;
  stop)
    if [ -d "$dir/data" ]; then pg pg_ctl -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
  *)
    echo "pg-test-cluster: unknown command '$cmd' (start, stop, restart)" >&2
    exit 2
    ;;
esac
