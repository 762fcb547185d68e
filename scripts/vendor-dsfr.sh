#!/usr/bin/env bash
# Copies the part of @gouvfr/dsfr the web app uses into crates/frontend/vendor/dsfr,
# keeping the folder layout (the CSS refers to fonts and icons by relative URL).
set -euo pipefail
src=node_modules/@gouvfr/dsfr/dist
dst=crates/frontend/vendor/dsfr
if [ ! -f "$src/dsfr.min.css" ]; then
  echo "$src missing: run npm install first" >&2
  exit 1
fi
rm -rf "$dst"
mkdir -p "$dst/utility/icons"
cp "$src/dsfr.min.css" "$src/dsfr.module.min.js" "$dst/"
cp -r "$src/fonts" "$src/icons" "$src/favicon" "$dst/"
cp "$src/utility/icons/icons.min.css" "$dst/utility/icons/"
