# The everyday recipes. `just` lists them; `just ci` runs what CI runs.

# List the recipes.
default:
    @just --list

# Run the api on http://127.0.0.1:3005 over the embedded SQLite file in ./data.
run:
    cargo run --release -p api

# Run the dashboard edge on :3000 (forwards to the api on :3005).
dashboard:
    cargo run --release -p dashboard-proxy

# Run the storefront edge on :3001 (forwards to the api on :3005).
storefront:
    cargo run --release -p storefront-proxy

# Every test, on SQLite.
test:
    cargo test --workspace

# Every test on PostgreSQL (a fresh database per test on the server at `url`).
test-pg url="postgres://postgres@127.0.0.1:5432/commerce_test":
    psql "{{url}}" -c 'select 1' >/dev/null 2>&1 || createdb -h 127.0.0.1 -U postgres "$(basename '{{url}}')"
    TEST_DATABASE_URL="{{url}}" cargo test --workspace

# Format and lint as CI does.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Format the code.
fmt:
    cargo fmt --all

# Regenerate openapi/openapi.json from the code.
openapi:
    UPDATE_OPENAPI=1 cargo test -p api --test api openapi

# Criterion benchmarks (figures go in docs/PERFORMANCE.md).
bench:
    cargo bench -p resolve-caller -p identity

# The HTTP load test against a release build on loopback (`just load postgres` for PostgreSQL).
load backend="sqlite":
    bash scripts/load/run.sh {{backend}}

# The dashboard's products page against listProducts, side by side (figures go in docs/PERFORMANCE.md).
bench-dashboard:
    bash scripts/bench/dashboard_products.sh

# The storefront's catalog page against listProducts by Host, side by side (figures go in docs/PERFORMANCE.md).
bench-storefront:
    bash scripts/bench/storefront_catalog.sh

# Apply, roll back or show migrations on DATABASE_URL (e.g. `just migrate status`).
migrate *args:
    cargo run -p migrations -- {{args}}

# Everything CI runs.
ci:
    bash .ci/run

# Refresh the README's screenshots from the last browser-test run (target/ui).
screenshots:
    cargo test -p dashboard-proxy --test dashboard_proxy
    cargo test -p storefront-proxy --test storefront_proxy
    mkdir -p docs/images
    cp target/ui/shop-hosts-02-acme-catalog.png docs/images/storefront-catalog.png
    cp target/ui/checkout-02-product-phone.png docs/images/storefront-product-phone.png
    cp target/ui/checkout-04-cart.png docs/images/storefront-cart.png
    cp target/ui/checkout-06-checkout.png docs/images/storefront-checkout.png
    cp target/ui/checkout-08-order-paid.png docs/images/storefront-order-paid.png
    cp target/ui/checkout-last-unit-01-checkout-sold-out.png docs/images/storefront-sold-out.png
    cp target/ui/orders-08-home-with-sales.png docs/images/dashboard-home.png
    cp target/ui/orders-07-order-refunded.png docs/images/dashboard-order.png
    cp target/ui/agent-approval-02-agent-approval.png docs/images/dashboard-agent-approval.png
    cp target/ui/agents-04-agents.png docs/images/dashboard-agents.png
    cp target/ui/csv-02-csv-report.png docs/images/dashboard-csv-import.png
    cp target/ui/products-08-products.png docs/images/dashboard-products.png
    cp target/ui/products-06-product-new.png docs/images/dashboard-product-new.png
    cp target/ui/api-keys-03-api-key-created.png docs/images/dashboard-api-key.png
    cp target/ui/device-02-device-review.png docs/images/dashboard-device.png
    cp target/ui/api-down-01-api-down.png docs/images/dashboard-api-down.png
