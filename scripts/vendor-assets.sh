#!/usr/bin/env bash
# Refreshes the front-end files the binaries embed, from their npm packages at the pinned versions:
# htmx for the edges' pages (crates/web-ui/assets/vendor) and Swagger UI for the api's /docs
# (apps/api/static/swagger-ui). Needs npm and the npm registry; nothing reaches the network at build
# or run time, since the files are committed. Usage: scripts/vendor-assets.sh
set -euo pipefail
cd "$(dirname "$0")/.."

HTMX_VERSION=2.0.11
SWAGGER_UI_VERSION=5.35.0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

unpack() {
  local spec=$1 into=$2
  mkdir -p "$work/$into"
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work/$into" --strip-components=1
  rm -f "$work"/*.tgz
}

unpack "htmx.org@$HTMX_VERSION" htmx
cp "$work/htmx/dist/htmx.min.js" crates/web-ui/assets/vendor/htmx.min.js
cp "$work/htmx/LICENSE" crates/web-ui/assets/vendor/htmx.LICENSE

unpack "swagger-ui-dist@$SWAGGER_UI_VERSION" swagger
mkdir -p apps/api/static/swagger-ui
cp "$work/swagger/swagger-ui-bundle.js" "$work/swagger/swagger-ui.css" apps/api/static/swagger-ui/
cp "$work/swagger/LICENSE" apps/api/static/swagger-ui/LICENSE
# The bundle ends with a source-map comment for a file that is not shipped.
sed -i '/^\/\/# sourceMappingURL=/d' apps/api/static/swagger-ui/swagger-ui-bundle.js

echo "htmx $HTMX_VERSION, Swagger UI $SWAGGER_UI_VERSION"
