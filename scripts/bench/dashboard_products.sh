#!/usr/bin/env bash
# The dashboard's products page (20 rows) against the api's listProducts itself, side by side, in one
# run (issue #9: rendering should add ≤ 1 ms at p50).
#
#   scripts/bench/dashboard_products.sh          (`just bench-dashboard`; from anywhere in the checkout)
#
# Builds release binaries once, seeds a fresh SQLite file in a temporary folder with `api seed`
# (PRODUCTS, 10 000), signs the seeded owner in with curl for the `commerce_session` cookie (and makes
# the store the session's active one if it is not), then starts the api and dashboard-proxy with one
# worker each, BOTH pinned to CPU 0 — they share the core, as a deployment of the two on one core
# would — and wrk (-t1 -cCONNECTIONS, 8; WRK_S seconds, 10; --latency) pinned to CPU 1. Scenarios,
# alternated, one warm-up round then three measured, median of the three:
#   api-list       the api's GET /v1/admin/products?limit=20 with the cookie (what the page asks for)
#   page           the dashboard's GET /products with the cookie (the session's frame — session and
#                  stores, remembered per worker for FRAME_TTL, 10 s —, the cached permission
#                  statement, the list, rendering: the whole page)
#   dash-healthz   the dashboard's GET /healthz (the edge's own trivial route)
#   api-session    the api's GET /api/auth/get-session         } the frame's two round trips (once
#   api-orgs       the api's GET /api/auth/organization/list   } per session per 10 s), on their own
# Before each run of each round it waits (polling every 10 s, up to QUIET_MAX_S, 900) until no rustc,
# cargo or chromium process that it did not start is seen on two polls in a row; if the machine never
# gets quiet it measures anyway and says so. During each run it looks every 2 s and names the runs
# that shared the machine. Prints a markdown table (also written to target/bench/dashboard-products.md).
# Everything listens on 127.0.0.1 and is stopped at the end; the temporary folder is removed. The parts
# shared with storefront_catalog.sh (waiting, starting, running wrk, the table) are in common.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

source scripts/bench/common.sh
products=${PRODUCTS:-10000}
api_port=${API_PORT:-3195}
dash_port=${DASHBOARD_PORT:-3196}
host=shop.bench.test
frontend="http://127.0.0.1:$dash_port"

bench_prepare "$api_port" "$dash_port"
cargo build --release --locked -p api -p dashboard-proxy
api_bin=target/release/api
dash_bin=target/release/dashboard-proxy

export AUTH_SECRET="dashboard-bench-secret-0123456789-0123456789" RUST_LOG=warn LOG_FORMAT=json \
  HOST=127.0.0.1 WORKERS=1 FRONTEND_URL="$frontend"
echo "seeding $products products into a fresh SQLite file…"
DATABASE_URL="sqlite://$work/api.sqlite?mode=rwc" "$api_bin" seed --products "$products" --host "$host" > "$work/seed.json"

DATABASE_URL="sqlite://$work/api.sqlite" PORT=$api_port DATABASE_MAX_CONNECTIONS=10 \
  bench_start api "$api_port" /healthz taskset -c 0 "$api_bin"
API_UPSTREAM_URL="http://127.0.0.1:$api_port" PORT=$dash_port \
  bench_start dashboard "$dash_port" /healthz taskset -c 0 "$dash_bin"

# Sign the seeded owner in (a browser would, on the dashboard's sign-in page) for the session cookie.
api="http://127.0.0.1:$api_port"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(json.dumps({"email": s["ownerEmail"], "password": s["ownerPassword"]}))' \
  "$work/seed.json" > "$work/sign-in.json"
curl -sSf -D "$work/sign-in.headers" -o "$work/session.json" -H 'Content-Type: application/json' \
  -H "Origin: $frontend" --data @"$work/sign-in.json" "$api/api/auth/sign-in/email"
cookie=$(tr -d '\r' < "$work/sign-in.headers" | sed -n 's/^[Ss]et-[Cc]ookie: commerce_session=\([^;]*\).*/\1/p' | head -1)
[ -n "$cookie" ] || { echo "sign-in set no commerce_session cookie" >&2; cat "$work/sign-in.headers" >&2; exit 1; }
cookie_header="Cookie: commerce_session=$cookie"
org=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["organizationId"])' "$work/seed.json")
active=$(curl -sSf -H "$cookie_header" "$api/api/auth/get-session" \
  | python3 -c 'import json,sys; print((json.load(sys.stdin) or {}).get("session", {}).get("activeOrganizationId") or "")')
if [ "$active" != "$org" ]; then # pages redirect to /stores while the session has no active store
  curl -sSf -o /dev/null -H "$cookie_header" -H 'Content-Type: application/json' -H "Origin: $frontend" \
    --data "{\"organizationId\":\"$org\"}" "$api/api/auth/organization/set-active"
fi

# What each scenario answers, checked once before measuring: 20 products, a 200 page with 20 rows.
rows=$(curl -sSf -H "$cookie_header" "$api/v1/admin/products?limit=20" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))')
[ "$rows" = 20 ] || { echo "listProducts answered $rows products, not 20" >&2; exit 1; }
status=$(curl -s -o "$work/page.html" -w '%{http_code}' -H "$cookie_header" "http://127.0.0.1:$dash_port/products")
page_rows=$(grep -o 'href="/products/[0-9a-f-]\{36\}"' "$work/page.html" | wc -l)
[ "$status" = 200 ] && [ "$page_rows" = 20 ] || { echo "/products answered $status with $page_rows product links" >&2; exit 1; }
echo "page: $(wc -c < "$work/page.html") bytes, $page_rows product rows"

for round in 0 1 2 3; do # round 0 is the warm-up, not counted
  echo "round $round$([ "$round" = 0 ] && echo ' (warm-up)')"
  bench_run api-list "$api/v1/admin/products?limit=20" -H "$cookie_header"
  bench_run page "http://127.0.0.1:$dash_port/products" -H "$cookie_header"
  bench_run dash-healthz "http://127.0.0.1:$dash_port/healthz"
  bench_run api-session "$api/api/auth/get-session" -H "$cookie_header"
  bench_run api-orgs "$api/api/auth/organization/list" -H "$cookie_header"
done

mkdir -p target/bench
out=target/bench/dashboard-products.md
{
  bench_table api-list page \
    api-list '(a) api `GET /v1/admin/products?limit=20`' \
    page '(b) dashboard `GET /products`' \
    dash-healthz '(c) dashboard `GET /healthz`' \
    api-session 'api `GET /api/auth/get-session`' \
    api-orgs 'api `GET /api/auth/organization/list`'
  bench_footer "wrk -t1 -c$connections -d${wrk_s}s --latency on CPU 1; api and dashboard-proxy (WORKERS=1 each) both on CPU 0; $products products, SQLite; median of 3 after a warm-up."
} > "$out"
echo
cat "$out"
