#!/usr/bin/env bash
# Lighthouse on the public pages, as a phone on a slow network sees them:
# mobile preset, simulated slow 4G, against the release build of the web app
# served by the API (quick-start build) on a throwaway SQLite database.
# Prints the performance and accessibility scores and the paint timings (the
# full JSON reports stay in target/lighthouse/), then times the CCTP editor
# on a 150-page draft (scripts/editor-timing.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
server="$target_dir/quickstart/jesaisfaire-api"
out=target/lighthouse
mkdir -p "$out"
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DATABASE_URL="sqlite://$data/lighthouse.db?mode=rwc" JESAISFAIRE_ADDR="127.0.0.1:$port" \
  JESAISFAIRE_STATIC_DIR=crates/frontend/dist JESAISFAIRE_DEMO_DATA=true RUST_LOG=warn \
  "$server" serve > "$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/api/v1/health" > /dev/null && break
  sleep 0.2
done
for page in / /connexion; do
  name=$(echo "$page" | tr -c 'a-z' '_')
  CHROME_PATH=${CHROMIUM_PATH:-/usr/bin/chromium} npx --yes lighthouse@12.2.3 "http://127.0.0.1:$port$page" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage" \
    --only-categories=performance,accessibility --output=json --output-path="$out/$name.json" --quiet
  node -e '
    const r = require(process.argv[1]);
    const a = r.audits;
    console.log(`${process.argv[2]}: performance ${r.categories.performance.score}, accessibility ${r.categories.accessibility.score}, ` +
      `first contentful paint ${a["first-contentful-paint"].displayValue}, largest ${a["largest-contentful-paint"].displayValue}, ` +
      `total blocking ${a["total-blocking-time"].displayValue}, ${Math.round(a["total-byte-weight"].numericValue / 1024)} KiB transferred`);
  ' "$PWD/$out/$name.json" "$page"
done
node scripts/editor-timing.mjs "http://127.0.0.1:$port"
