#!/usr/bin/env bash
# The contract test: schemathesis (`--checks all`) against the api on a fresh SQLite file, over the
# committed openapi/openapi.json, as an admin API key, as a shopper found by the store's Host, and as
# the store's owner signed in (session cookie, from the dashboard's origin). Any failure fails the
# script; schemathesis.toml names the few answers a schema cannot predict. Usage: scripts/contract.sh [path/to/api] (default target/debug/api;
# build it first). MAX_EXAMPLES (default 20) bounds each operation's generated cases.
set -euo pipefail
cd "$(dirname "$0")/.."

api_bin=${1:-target/debug/api}
max_examples=${MAX_EXAMPLES:-20}
store_host=shop.contract.test
work=$(mktemp -d)
api_pid=
dns_pid=
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
  # Killed by its signal, the name server's status is not the run's.
  [ -n "$dns_pid" ] && kill "$dns_pid" 2>/dev/null && { wait "$dns_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dns_port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 scripts/contract_dns.py "$dns_port" &
dns_pid=$!
export DATABASE_URL="sqlite://$work/contract.sqlite?mode=rwc"
export AUTH_SECRET="contract-test-secret-$(date +%s)-0123456789abcdef"
export HOST=127.0.0.1 PORT=$port RUST_LOG=warn NO_COLOR=1
export FRONTEND_URL=http://dashboard.contract.test
# A name server where nothing is published (scripts/contract_dns.py): proofs are found missing.
export DNS_RESOLVER=127.0.0.1:$dns_port
# Email goes to a folder of the run (no mail server), never into the repository.
export EMAIL_OUTBOX_DIR="$work/outbox"
# Generous limits: the run is a contract check, not an abuse test (those have their own tests).
export AUTH_RATE_LIMIT_PER_MINUTE=100000
export AGENT_RATE_LIMITS="register=100000,approve=100000,status=100000,other=100000"

seeded=$("$api_bin" seed --products 20 --host "$store_host")
field() { python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])" <<<"$seeded"; }
api_key=$(field apiKey)

"$api_bin" >"$work/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/api.log"; exit 1; }

# The owner's session cookie, as the dashboard holds it.
sign_in=$(python3 -c 'import json, sys; print(json.dumps({"email": sys.argv[1], "password": sys.argv[2]}))' \
  "$(field ownerEmail)" "$(field ownerPassword)")
session_cookie=$(curl -fsS -o /dev/null -D - -H 'content-type: application/json' -d "$sign_in" \
  "http://127.0.0.1:$port/api/auth/sign-in/email" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n 1)
[ -n "$session_cookie" ] || { echo "signing in the seeded owner gave no cookie"; exit 1; }
# Under the name the document gives the cookie (a deployment's; this api runs on plain http).
session_cookie="__Host-commerce_session=${session_cookie#*=}"
# As the dashboard does after sign-in: the session acts in the owner's store.
curl -fsS -o /dev/null -H 'content-type: application/json' -H "Cookie: $session_cookie" \
  -H "Origin: $FRONTEND_URL" -d "{\"organizationId\": \"$(field organizationId)\"}" \
  "http://127.0.0.1:$port/api/auth/organization/set-active"

run() {
  local who=$1
  shift
  printf '\n-- schemathesis as %s\n' "$who"
  schemathesis run openapi/openapi.json --url "http://127.0.0.1:$port" --checks all \
    --max-examples "$max_examples" --seed 1 --no-color "$@"
}
status=0
run "an admin API key" -H "x-api-key: $api_key" || status=1
run "a storefront shopper" -H "Host: $store_host" || status=1
# Without signing out or changing the active organization, which would change the session every
# other call of the run is made with.
run "the signed-in owner" -H "Cookie: $session_cookie" -H "Origin: $FRONTEND_URL" \
  --exclude-operation-id signOut --exclude-operation-id setActiveOrganization || status=1
if [ "$status" -ne 0 ]; then
  echo "the api's log:" && tail -n 50 "$work/api.log"
fi
exit "$status"
