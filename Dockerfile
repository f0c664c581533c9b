# One image with the api and both edges; docker-compose.yml picks the binary per service.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p api -p dashboard-proxy -p storefront-proxy

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app commerce && mkdir -p /app/data && chown commerce /app/data
WORKDIR /app
COPY --from=build /src/target/release/api /src/target/release/dashboard-proxy /src/target/release/storefront-proxy /usr/local/bin/
USER commerce
ENV HOST=0.0.0.0
CMD ["api"]
