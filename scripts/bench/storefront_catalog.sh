#!/usr/bin/env bash
# The storefront's catalog page (24 products) against the api's listProducts by Host itself, side by
# side, in one run: what drawing the shop's first page adds to the list it shows.
#
#   scripts/bench/storefront_catalog.sh          (`just bench-storefront`; from anywhere in the checkout)
#
# Builds release binaries once, seeds a fresh SQLite file in a temporary folder with `api seed`
# (PRODUCTS, 10 000) for the store on shop.bench.test, then starts the api and storefront-proxy with
# one worker each, BOTH pinned to CPU 0 — they share the core, as a deployment of the two on one core
# would — and wrk (-t1 -cCONNECTIONS, 8; WRK_S seconds, 10; --latency; `Host: shop.bench.test`, no
# cookie: an anonymous shopper) pinned to CPU 1. Scenarios, alternated, one warm-up round then three
# measured, median of the three:
#   api-list       the api's GET /v1/products?limit=24 by Host (what the catalog page asks for)
#   page           the storefront's GET / by Host (the host verdict, remembered for KNOWN_HOST_TTL,
#                  30 s; the list; rendering: the whole page)
#   shop-healthz   the storefront's GET /healthz (the edge's own trivial route)
# Waiting for a quiet machine (no other rustc, cargo or chromium; up to QUIET_MAX_S, 900), the
# check during each run and the table are those of dashboard_products.sh (common.sh). Prints a
# markdown table (also written to target/bench/storefront-catalog.md). Everything listens on
# 127.0.0.1 and is stopped at the end; the temporary folder is removed.
set -euo pipefail
cd "$(dirname "$0")/../.."

source scripts/bench/common.sh
products=${PRODUCTS:-10000}
api_port=${API_PORT:-3197}
shop_port=${STOREFRONT_PORT:-3198}
host=shop.bench.test
host_header="Host: $host"

bench_prepare "$api_port" "$shop_port"
cargo build --release --locked -p api -p storefront-proxy
api_bin=target/release/api
shop_bin=target/release/storefront-proxy

export AUTH_SECRET="storefront-bench-secret-0123456789-0123456789" RUST_LOG=warn LOG_FORMAT=json \
  HOST=127.0.0.1 WORKERS=1
echo "seeding $products products into a fresh SQLite file…"
DATABASE_URL="sqlite://$work/api.sqlite?mode=rwc" "$api_bin" seed --products "$products" --host "$host" > "$work/seed.json"

DATABASE_URL="sqlite://$work/api.sqlite" PORT=$api_port DATABASE_MAX_CONNECTIONS=10 \
  bench_start api "$api_port" /healthz taskset -c 0 "$api_bin"
API_UPSTREAM_URL="http://127.0.0.1:$api_port" PORT=$shop_port \
  bench_start storefront "$shop_port" /healthz taskset -c 0 "$shop_bin"
api="http://127.0.0.1:$api_port"
shop="http://127.0.0.1:$shop_port"

# What each scenario answers, checked once before measuring: 24 products, a 200 page with 24 cards.
rows=$(curl -sSf -H "$host_header" "$api/v1/products?limit=24" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))')
[ "$rows" = 24 ] || { echo "listProducts by Host answered $rows products, not 24" >&2; exit 1; }
status=$(curl -s -o "$work/page.html" -w '%{http_code}' -H "$host_header" "$shop/")
cards=$(grep -o '<li class="product-card">' "$work/page.html" | wc -l)
[ "$status" = 200 ] && [ "$cards" = 24 ] || { echo "/ answered $status with $cards product cards" >&2; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' -H "$host_header" "$shop/healthz")
[ "$status" = 200 ] || { echo "/healthz answered $status" >&2; exit 1; }
echo "page: $(wc -c < "$work/page.html") bytes, $cards product cards"

for round in 0 1 2 3; do # round 0 is the warm-up, not counted
  echo "round $round$([ "$round" = 0 ] && echo ' (warm-up)')"
  bench_run api-list "$api/v1/products?limit=24" -H "$host_header"
  bench_run page "$shop/" -H "$host_header"
  bench_run shop-healthz "$shop/healthz" -H "$host_header"
done

mkdir -p target/bench
out=target/bench/storefront-catalog.md
{
  bench_table api-list page \
    api-list '(a) api `GET /v1/products?limit=24` by Host' \
    page '(b) storefront `GET /` by Host' \
    shop-healthz '(c) storefront `GET /healthz`'
  bench_footer "wrk -t1 -c$connections -d${wrk_s}s --latency -H '$host_header' on CPU 1; api and storefront-proxy (WORKERS=1 each) both on CPU 0; $products products, SQLite; median of 3 after a warm-up."
} > "$out"
echo
cat "$out"
