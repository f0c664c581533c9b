#!/usr/bin/env bash
# HTTP load test of a release build of the api on loopback, with wrk: listProducts and getProduct
# by Host, addCartItem and placeOrder, over a seeded catalog of 10 000 products.
#
#   scripts/load/run.sh [sqlite|postgres]
#
# DURATION (15 s) bounds each read and cart scenario, PLACE_DURATION (5 s) placeOrder, which needs one
# prepared cart per order (ORDER_CARTS, 10 000: more than the run can use); CONNECTIONS is 32.
#
# Every request goes to 127.0.0.1; every scenario is bounded by DURATION; the api is stopped and its
# database removed at the end. Results: target/load/<backend>.md (copy them into docs/PERFORMANCE.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

backend=${1:-sqlite}
duration=${DURATION:-15}
connections=${CONNECTIONS:-32}
port=${LOAD_PORT:-3099}
products=${PRODUCTS:-10000}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release --locked -p api

work=$(mktemp -d)
db_name="load_$$"
case "$backend" in
  sqlite) export DATABASE_URL="sqlite://$work/load.sqlite" ;;
  postgres)
    psql -X -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE \"$db_name\""
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db_name" ;;
  *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac
export PORT=$port HOST=127.0.0.1 AUTH_SECRET="load-test-secret-0123456789-0123456789" RUST_LOG=${RUST_LOG:-warn} LOG_FORMAT=json
export DATABASE_MAX_CONNECTIONS=${DATABASE_MAX_CONNECTIONS:-16}

api_pid=""
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null || true
  [ -f "$work/api.log" ] && mkdir -p target/load && cp "$work/api.log" "target/load/$backend-api.log"
  if [ "$backend" = postgres ]; then
    psql -X -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS \"$db_name\" WITH (FORCE)" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "seeding $products products ($backend)…"
target/release/api seed --products "$products" --host shop.load.test > "$work/seed.json"
# Fresh planner statistics, as autovacuum would have gathered on a store that grew over time.
[ "$backend" = postgres ] && psql -X -q -h 127.0.0.1 -U postgres -d "$db_name" -c ANALYZE
target/release/api > "$work/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done

python3 scripts/load/prepare.py "$work" "http://127.0.0.1:$port"
mkdir -p target/load
out="target/load/$backend.md"
{
  echo "| scenario | requests/s | p50 | p99 | non-2xx |"
  echo "| --- | --- | --- | --- | --- |"
} > "$out"
for scenario in list_products get_product add_cart_item place_order; do
  echo "== $scenario"
  seconds=$duration
  [ "$scenario" = place_order ] && seconds=${PLACE_DURATION:-5}
  LOAD_DIR="$work" wrk -t2 -c"$connections" -d"${seconds}s" --latency \
    -s "scripts/load/$scenario.lua" "http://127.0.0.1:$port" | tee "$work/$scenario.txt"
  python3 scripts/load/summarise.py "$scenario" "$work/$scenario.txt" >> "$out"
done
echo
cat "$out"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), backend $backend, $connections connections, ${duration}s each (placeOrder ${PLACE_DURATION:-5}s)"
