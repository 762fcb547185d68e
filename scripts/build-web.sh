#!/usr/bin/env bash
# Builds the web app into crates/frontend/dist — `debug` for the browser
# tests, `release` (size-optimised, wasm-opt, precompressed) for `just run` —
# unless that very build is already there: the release build spends minutes
# in LTO and wasm-opt, which a second `just run` must not pay again.
set -euo pipefail
mode=$1
cd "$(dirname "$0")/.."
dist=crates/frontend/dist
stamp_file="$dist/.build-stamp"
stamp="$mode $(find crates/frontend crates/shared Cargo.toml Cargo.lock package-lock.json \
    scripts/build-web.sh scripts/defer-app-start.mjs scripts/precompress.mjs \
    -type f -not -path "$dist/*" -not -path 'crates/frontend/vendor/*' -print0 \
  | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
  echo "web app ($mode) already built from these sources"
  exit 0
fi
cd crates/frontend
case "$mode" in
  debug)
    trunk build --offline
    node ../../scripts/defer-app-start.mjs dist/index.html ;;
  release)
    PATH="$PWD/../../node_modules/.bin:$PATH" \
      trunk build --offline --release --cargo-profile wasm-release
    node ../../scripts/defer-app-start.mjs dist/index.html
    node ../../scripts/precompress.mjs dist ;;
  *) echo "usage: $0 debug|release" >&2; exit 2 ;;
esac
echo "$stamp" > dist/.build-stamp
