#!/usr/bin/env bash
# Schemathesis against the spec the server serves, as every kind of caller:
# anonymous, administrator, agent, PFRA buyer and company, all checks, on a
# fresh database with the demo data (and on PostgreSQL too when
# JESAISFAIRE_TEST_PG_URL is set, as under scripts/with-postgres.sh).
#
#   scripts/fuzz.sh SERVER_BINARY MAX_EXAMPLES [SEED]
#
# The seed is fixed by default, so that `just test` explores the same cases
# every time; `just fuzz` draws one, and prints it to replay a failure.
# Fails when any run reports a failure. Reports go to target/fuzz/.
set -euo pipefail
server=$1
max_examples=$2
seed=${3:-2026}
root=$(cd "$(dirname "$0")/.." && pwd)
reports="$root/target/fuzz"
mkdir -p "$reports"
work=$(mktemp -d /tmp/jesaisfaire-fuzz.XXXXXX)
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json_field() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }

sign_in() {
  curl -sf -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\": \"$1@demo.jesaisfaire.fr\", \"password\": \"demo-jesaisfaire-2026\"}" \
    | json_field '["access_token"]'
}

fuzz_on() {
  local label=$1 database_url=$2
  local port
  port=$(free_port)
  base="http://127.0.0.1:$port"
  # Sign-in limits would answer 429 to the fuzzer's own logins: documented,
  # but not what this run explores.
  JESAISFAIRE_DEMO_DATA=true DATABASE_URL="$database_url" JESAISFAIRE_ADDR="127.0.0.1:$port" \
    JESAISFAIRE_PUBLIC_URL="$base" JESAISFAIRE_OUTBOX_DIR="$work/outbox-$label" \
    JESAISFAIRE_AUTH_ATTEMPTS_PER_MINUTE=1000000 JESAISFAIRE_STATIC_DIR="$root/crates/frontend/dist" \
    RUST_LOG=warn "$server" serve >"$reports/server-$label.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    curl -sf "$base/api/v1/health" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -sf "$base/api/v1/health" >/dev/null || { cat "$reports/server-$label.log" >&2; exit 1; }

  # Real identifiers, so that operations on one consultation or contribution
  # get past "not found" (the demo consultation has contributions).
  local agent
  agent=$(sign_in agent)
  export FUZZ_CONSULTATION_ID FUZZ_CONTRIBUTION_ID
  FUZZ_CONSULTATION_ID=$(curl -sf -H "Authorization: Bearer $agent" "$base/api/v1/consultations" \
    | json_field '["items"][0]["id"]')
  FUZZ_CONTRIBUTION_ID=$(curl -sf -H "Authorization: Bearer $agent" \
    "$base/api/v1/consultations/$FUZZ_CONSULTATION_ID/contributions" | json_field '["items"][0]["id"]')

  # The administrator last: it may disable the other accounts.
  local failed=0 role token
  for role in anonymous agent acheteur entreprise admin; do
    local auth=()
    if [ "$role" != anonymous ]; then
      token=$(sign_in "$role")
      auth=(-H "Authorization: Bearer $token")
    fi
    echo "schemathesis ($label, $role, $max_examples examples per operation, seed $seed)"
    # From the scratch folder: schemathesis keeps a cache where it runs.
    if ! (cd "$work" && python3 -m schemathesis.cli --config-file "$root/openapi/schemathesis.toml" run "$base/api/openapi.json" \
      "${auth[@]}" --checks all --max-examples "$max_examples" --workers 2 --seed "$seed" \
      --no-color >"$reports/$label-$role.txt" 2>&1); then
      failed=1
      echo "  failures: see $reports/$label-$role.txt" >&2
      grep -E '^(_+ .* _+|- ST[0-9]+|\[[0-9]{3}\])' "$reports/$label-$role.txt" >&2 || true
    fi
    grep -E '^ *[0-9]+ generated' "$reports/$label-$role.txt" || true
  done
  stop_server
  return $failed
}

status=0
fuzz_on sqlite "sqlite://$work/fuzz.db?mode=rwc" || status=1
if [ -n "${JESAISFAIRE_TEST_PG_URL:-}" ]; then
  db="fuzz_$(date +%s)_$$"
  psql "$JESAISFAIRE_TEST_PG_URL/postgres" -qc "CREATE DATABASE $db" >/dev/null
  fuzz_on postgres "$JESAISFAIRE_TEST_PG_URL/$db" || status=1
fi
exit $status
