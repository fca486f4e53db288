#!/usr/bin/env bash
# Prints the URL of a PostgreSQL server the tests (and later `make run`) can use, as a
# superuser that may create databases:
#   1. $STRIDE_TEST_DATABASE_URL when set;
#   2. else a server already on 127.0.0.1:5432 that lets user postgres in;
#   3. else a throwaway cluster of its own under .dev/postgres (the system's initdb),
#      started on port 54329 (set STRIDE_PG_THROWAWAY=1 to use it even when 1 or 2 would do).
# It also drops test databases left behind by earlier, interrupted runs.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "postgres.sh: $*" >&2; }
can_connect() { psql "$1" -Atqc 'SELECT 1' >/dev/null 2>&1; }

url="${STRIDE_TEST_DATABASE_URL:-}"
if [[ -z "$url" && -z "${STRIDE_PG_THROWAWAY:-}" ]] && can_connect "postgres://postgres@127.0.0.1:5432/postgres"; then
  url="postgres://postgres@127.0.0.1:5432/postgres"
fi

if [[ -z "$url" ]]; then
  port=54329
  dir="$PWD/.dev/postgres"
  url="postgres://postgres@127.0.0.1:$port/postgres"
  if ! can_connect "$url"; then
    bindir="$(pg_config --bindir 2>/dev/null || true)"
    [[ -x "$bindir/initdb" ]] || bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [[ -x "$bindir/initdb" ]] || { log "no initdb found: run scripts/install-deps.sh test"; exit 1; }
    # PostgreSQL refuses to run as root: run the cluster as the postgres user then.
    as=()
    if [[ $(id -u) -eq 0 ]]; then
      id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
      as=(runuser -u postgres --)
    fi
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres "$dir"
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
      log "creating a throwaway cluster in $dir"
      "${as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 >"$dir/initdb.log"
    fi
    log "starting it on 127.0.0.1:$port"
    "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  fi
fi

can_connect "$url" || { log "cannot connect to $url"; exit 1; }
for stale in $(psql "$url" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'stride\_test\_%'"); do
  psql "$url" -qc "DROP DATABASE IF EXISTS $stale WITH (FORCE)" >/dev/null 2>&1 || true
done
echo "$url"
