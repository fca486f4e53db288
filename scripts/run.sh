#!/usr/bin/env bash
# `make run`: a local sync server with the demo organizations, then the desktop app.
# PostgreSQL: $DATABASE_URL when set, else a cluster of the clone's own under
# .dev/postgres (the system's initdb), with a database named stride.
# The server listens on $STRIDE_LISTEN (default 127.0.0.1:8088) and stops with the app.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
listen="${STRIDE_LISTEN:-127.0.0.1:8088}"

if [[ -z "${DATABASE_URL:-}" ]]; then
  admin_url="$(STRIDE_PG_THROWAWAY=1 scripts/postgres.sh)"
  if [[ -z "$(psql "$admin_url" -Atqc "SELECT 1 FROM pg_database WHERE datname = 'stride'")" ]]; then
    psql "$admin_url" -qc "CREATE DATABASE stride" >/dev/null
  fi
  export DATABASE_URL="${admin_url%/*}/stride"
fi

cargo build --workspace --bins
"$target/debug/stride-server" demo seed

mkdir -p .dev
"$target/debug/stride-server" serve --listen "$listen" >.dev/server.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://$listen/v1/openapi.json" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "the sync server stopped; see .dev/server.log" >&2; exit 1; }
  sleep 0.1
done
echo "Sync server on http://$listen (log: .dev/server.log)."
# A new device signs itself in as the demo coordinator; set STRIDE_SIGN_IN_EMAIL to
# another demo account, or to nothing to see the sign-in form.
STRIDE_SERVER_URL="http://$listen" \
STRIDE_SIGN_IN_EMAIL="${STRIDE_SIGN_IN_EMAIL-coordinator@lakeside.example}" \
STRIDE_SIGN_IN_PASSWORD="${STRIDE_SIGN_IN_PASSWORD:-stride-demo-2026}" \
  "$target/debug/stride"
