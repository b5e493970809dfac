#!/usr/bin/env bash
# Install, build (Release), and start scimd on SQLite with a tenant "demo".
#   bash scripts/run-demo.sh
# Prints the demo tenant's Tenant URL and Secret Token (tokens are shown only once, so on a
# rerun the token is rotated to print a fresh one), then runs `scimd serve` in the foreground
# (Ctrl-C or SIGTERM stops it).
# Env: SCIMD_LISTEN (default 127.0.0.1:8080), SCIMD_PUBLIC_URL (default http://<listen address>,
# with 127.0.0.1 when listening on all addresses), SCIMD_DEMO_DB (default data/scimd.db).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

bash scripts/setup.sh

echo "run-demo: building Release into build/release"
if ! bash scripts/build-release.sh scimd; then
  echo "run-demo: the scimd binary did not build (see the errors above)" >&2
  exit 1
fi
SCIMD=build/release/scimd

LISTEN=${SCIMD_LISTEN:-127.0.0.1:8080}
host=${LISTEN%:*}
port=${LISTEN##*:}
case "$host" in 0.0.0.0 | "" | "[::]" | "::") host=127.0.0.1 ;; esac
PUBLIC_URL=${SCIMD_PUBLIC_URL:-http://$host:$port}
DB_PATH=${SCIMD_DEMO_DB:-data/scimd.db}
DB="sqlite:$DB_PATH"
mkdir -p "$(dirname "$DB_PATH")"

if "$SCIMD" tenant list --db "$DB" --json | jq -e 'any(.[]; .tenant == "demo")' > /dev/null; then
  echo "run-demo: tenant demo exists; rotating its token so a new one can be shown"
  out=$("$SCIMD" tenant rotate-token demo --db "$DB" --public-url "$PUBLIC_URL" --grace 0s --json)
else
  out=$("$SCIMD" tenant create demo --db "$DB" --public-url "$PUBLIC_URL" --json)
fi
TENANT_URL=$(jq -er .tenant_url <<<"$out") && TOKEN=$(jq -er .token <<<"$out") || {
  echo "run-demo: unexpected output from scimd tenant: $out" >&2
  exit 1
}

# The admin API (/admin/v1) gets a fresh key per run, unless SCIMD_ADMIN_KEY is already set.
ADMIN_KEY=${SCIMD_ADMIN_KEY:-$(head -c 32 /dev/urandom | base64 | tr -d '/+=' | head -c 40)}
export SCIMD_ADMIN_KEY=$ADMIN_KEY

cat <<EOF

  scimd demo — SQLite database $DB_PATH
  --------------------------------------------------------------------
  Tenant URL:    $TENANT_URL
  Secret Token:  $TOKEN
  --------------------------------------------------------------------
  Health:        curl $PUBLIC_URL/healthz
  Try:           curl -H "Authorization: Bearer $TOKEN" $TENANT_URL/Users
  Entra ID:      Enterprise app > Provisioning > Automatic: paste Tenant URL and Secret Token
                 (the URL must be reachable from Microsoft's cloud; see README.md)
  Admin key:     $ADMIN_KEY
  Admin API:     curl -H "Authorization: Bearer $ADMIN_KEY" $PUBLIC_URL/admin/v1/tenants
  Change feed:   curl -H "Authorization: Bearer $ADMIN_KEY" "$PUBLIC_URL/api/v1/demo/events?wait=30"

EOF
exec "$SCIMD" serve --db "$DB" --listen "$LISTEN" --public-url "$PUBLIC_URL"
