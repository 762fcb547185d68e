# JeSaisFaire — every task of the project. `just --list` shows them.

set shell := ["bash", "-euo", "pipefail", "-c"]

target_dir := env_var_or_default("CARGO_TARGET_DIR", justfile_directory() / "target")
trunk_version := "0.21.14"

# Show the recipes.
default:
    @just --list

# Run the app on http://127.0.0.1:8080 with SQLite and demo accounts (quick-start
# build of the server, release build of the web app).
run: tools web-release
    JESAISFAIRE_DEMO_DATA=true cargo run --profile quickstart -p jesaisfaire-api -- serve

# Like `run`, with debug builds: quicker to rebuild while developing.
dev: tools web
    JESAISFAIRE_DEMO_DATA=true cargo run -p jesaisfaire-api -- serve

# Everything CI checks: formatting, lints, unit and integration tests on SQLite
# and PostgreSQL, OpenAPI drift and validity, the shared crate on wasm, browser tests.
test: tools lint lint-openapi test-rust fuzz-api check-shared e2e

# Format check and clippy (warnings are errors), host and wasm.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
    cargo clippy -p jesaisfaire-frontend --target wasm32-unknown-unknown -- -D warnings

# The committed OpenAPI document through a standard validator (Redocly's
# recommended rules; accepted findings are listed in .redocly.lint-ignore.yaml).
lint-openapi: assets
    npx redocly lint openapi/openapi.json --format=summary

# Unit and integration tests, each DB test on SQLite and on a throwaway PostgreSQL.
test-rust:
    ./scripts/with-postgres.sh cargo test --workspace

# Schemathesis against the served spec as every role, on SQLite and
# PostgreSQL, with a small budget and a fixed seed (`just fuzz` goes deeper).
fuzz-api:
    cargo build -p jesaisfaire-api
    ./scripts/with-postgres.sh ./scripts/fuzz.sh "{{target_dir}}/debug/jesaisfaire-api" 10

# A deeper schemathesis run, with a new seed each time (reports in target/fuzz/).
fuzz examples="200":
    cargo build -p jesaisfaire-api
    ./scripts/with-postgres.sh ./scripts/fuzz.sh "{{target_dir}}/debug/jesaisfaire-api" {{examples}} $RANDOM$RANDOM

# The shared DTO crate builds for wasm and depends on no server crate.
check-shared:
    cargo build -p jesaisfaire-shared --target wasm32-unknown-unknown
    ! cargo tree -p jesaisfaire-shared --target wasm32-unknown-unknown -e normal --prefix none \
        | grep -E '^(sea-orm|sqlx|actix|tokio|jsonwebtoken|argon2) '

# Browser tests: the real server on a free port, headless Chromium.
e2e: tools web
    cargo build -p jesaisfaire-api
    free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }; \
    E2E_PORT=$(free_port) E2E_SHORT_SESSION_PORT=$(free_port) \
    E2E_SERVER_BIN="{{target_dir}}/debug/jesaisfaire-api" \
        npx playwright test --config e2e/playwright.config.ts

# Latency of the hot read paths on a seeded database, through the real server
# (release build); contribution writes per second on SQLite and PostgreSQL.
# Then the national data set (10 000 consultations, 50 000 companies, about
# 1 000 000 contributions) on SQLite and PostgreSQL: every hot read under wrk
# beside a static route and the demo data set, and the server's memory.
bench: tools
    cargo build --release -p jesaisfaire-api --bins --examples
    ./scripts/with-postgres.sh "{{target_dir}}/release/examples/bench"
    ./scripts/with-postgres.sh "{{target_dir}}/release/examples/national"

# Lighthouse scores of the public pages on a phone (mobile preset, simulated
# slow 4G), against the release build served by the API; reports in target/lighthouse/.
lighthouse: tools web-release
    cargo build --profile quickstart -p jesaisfaire-api
    ./scripts/lighthouse.sh

# Rewrite openapi/openapi.json from the code.
openapi:
    cargo run -q -p jesaisfaire-api -- openapi > openapi/openapi.json

# Build the web app (debug) into crates/frontend/dist, unless already built.
web: assets
    ./scripts/build-web.sh debug

# Build the web app (release) into crates/frontend/dist, unless already built.
web-release: assets
    ./scripts/build-web.sh release

# Node packages (again whenever package-lock.json changed since they were
# installed) and the DSFR files the web app serves.
assets:
    [ node_modules/.package-lock.json -nt package-lock.json ] \
        || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 DSFR_ACCEPT_LICENSE=1 npm ci --no-audit --no-fund
    [ -f crates/frontend/vendor/dsfr/dsfr.min.css ] || ./scripts/vendor-dsfr.sh

# Install what is missing, from the package registries only.
tools:
    ./scripts/install-tools.sh {{trunk_version}}
