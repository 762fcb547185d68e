#!/usr/bin/env bash
# Installs the tools the recipes need when they are missing, from crates.io,
# npm and Debian only (nothing downloads its own binaries).
set -euo pipefail
trunk_version=$1

# The build tools' own speed hardly matters (they spend their time waiting on
# cargo and wasm-opt), so they are compiled with light optimisation, no LTO and
# parallel code generation: minutes instead of a quarter of an hour each.
light_install() {
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=false \
  CARGO_PROFILE_RELEASE_STRIP=true cargo install "$@"
}

have() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

if ! have trunk || [ "$(trunk --version | awk '{print $2}')" != "$trunk_version" ]; then
  light_install trunk --version "$trunk_version" --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen of Cargo.lock exactly.
bindgen_version=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
if ! have wasm-bindgen || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$bindgen_version" ]; then
  # Without --locked: its lockfile pins a crate version the registry lacks.
  light_install wasm-bindgen-cli --version "$bindgen_version"
fi

if [ ! -x /usr/bin/chromium ]; then
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y chromium
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y postgresql
fi

# The export tests open the DOCX and ODT files with a real reader.
if ! have pandoc; then
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y pandoc
fi

# The national bench measures throughput with a real load generator.
if ! have wrk; then
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y wrk
fi

if ! have npm; then
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y nodejs npm
fi

# The API is fuzzed from its OpenAPI document by a third-party tool.
if [ "$(python3 -m schemathesis.cli --version 2>/dev/null | awk '{print $NF}')" != 4.32.5 ]; then
  python3 -m pip install --quiet schemathesis==4.32.5 \
    || python3 -m pip install --quiet --break-system-packages schemathesis==4.32.5
fi

# The mail tests deliver to a real SMTP server.
if ! python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
  python3 -m pip install --quiet aiosmtpd==1.4.6 \
    || python3 -m pip install --quiet --break-system-packages aiosmtpd==1.4.6
fi
