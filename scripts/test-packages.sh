#!/usr/bin/env bash
# The packages' test (`make test` runs it last): builds both Debian packages from the
# tests' build (scripts/package.sh --debug), installs them with apt as an administrator
# would, checks what they put in place, configures and starts the installed server as its
# unit says (with systemctl where systemd runs, else the unit's own command as its user),
# drives the installed app's window through a sign-in and a sync against it, then purges
# both packages and checks that nothing is left. Needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=()
[[ $(id -u) -ne 0 ]] && sudo=(sudo)
fail() { echo "test-packages: $*" >&2; exit 1; }
log() { echo "test-packages: $*"; }

scripts/package.sh --debug
app_deb="$(ls dist/stride_*.deb)" server_deb="$(ls dist/stride-server_*.deb)"

log "installing $app_deb and $server_deb"
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "./$app_deb" "./$server_deb" >/dev/null

# What the packages put in place.
for file in /usr/bin/stride /usr/share/applications/Stride.desktop /usr/share/icons/hicolor/128x128/apps/stride.png \
            /usr/bin/stride-server /lib/systemd/system/stride-server.service /etc/stride/server.env; do
  [[ -e $file ]] || fail "$file is missing after the install"
done
grep -q '^Exec=stride' /usr/share/applications/Stride.desktop || fail "the desktop entry does not start stride"
getent passwd stride >/dev/null || fail "no stride system user"
[[ "$(stat -c '%U:%G %a' /etc/stride/server.env)" == "root:stride 640" ]] || fail "server.env is not root:stride 0640"
# Every library the installed binaries load comes from a package their Depends pull in.
for package in stride stride-server; do
  pulled="$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
              --no-replaces --no-enhances "$package" | grep -v '^ ' | sort -u)"
  binary="/usr/bin/$package"
  for library in $(ldd "$binary" | awk '/=> \//{print $3}'); do
    # dpkg knows a file by the path its package gave (/lib or /usr/lib, merged or not).
    owner="$(dpkg -S "$library" 2>/dev/null | head -n1 | cut -d: -f1 || true)"
    [[ -n $owner ]] || owner="$(dpkg -S "$(readlink -f "$library")" 2>/dev/null | head -n1 | cut -d: -f1 || true)"
    [[ -n $owner ]] || fail "$binary loads $library, which no package owns"
    grep -qx "$owner" <<<"$pulled" || fail "$binary loads $library from $owner, which $package's Depends do not pull in"
  done
done

# The administrator points the server at a database and an address, and starts it.
admin_url="$(scripts/postgres.sh)"
database="stride_test_packages"
psql "$admin_url" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null
psql "$admin_url" -qc "CREATE DATABASE $database" >/dev/null
database_url="${admin_url%/*}/$database"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"${sudo[@]}" sed -i -e "s|^DATABASE_URL=.*|DATABASE_URL=$database_url|" -e "s|^STRIDE_LISTEN=.*|STRIDE_LISTEN=127.0.0.1:$port|" \
  /etc/stride/server.env
server_pid=""
stop_server() {
  if [[ -d /run/systemd/system ]]; then "${sudo[@]}" systemctl stop stride-server || true
  elif [[ -n $server_pid ]]; then "${sudo[@]}" kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" || true
  fi
}
cleanup() {
  stop_server
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get purge -y -q stride stride-server >/dev/null 2>&1 || true
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
unit=/lib/systemd/system/stride-server.service
if [[ -d /run/systemd/system ]]; then
  "${sudo[@]}" systemctl restart stride-server
else
  # No systemd here (a container): the unit's own command, user and settings.
  user="$(sed -n 's/^User=//p' "$unit")" command="$(sed -n 's/^ExecStart=//p' "$unit")"
  env_file="$(sed -n 's/^EnvironmentFile=//p' "$unit")"
  "${sudo[@]}" runuser -u "$user" -- sh -c "set -a; . '$env_file'; exec $command" >"$PWD/dist/server.log" 2>&1 &
  server_pid=$!
fi
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$port/v1/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/v1/ready" >/dev/null || { cat dist/server.log >&2 || true; fail "the installed server is not ready"; }
log "the installed server is ready on 127.0.0.1:$port (it migrated the database as it started)"
runuser_stride=("${sudo[@]}" runuser -u stride --)
"${runuser_stride[@]}" env DATABASE_URL="$database_url" /usr/bin/stride-server demo seed >/dev/null

# The installed app's window, through a sign-in and a sync.
STRIDE_APP_BINARY=/usr/bin/stride STRIDE_INSTALLED_SERVER="http://127.0.0.1:$port" \
STRIDE_INSTALLED_DATABASE_URL="$database_url" \
  scripts/test-session.sh cargo test --workspace --test integration -- --ignored --exact \
  e2e_installed::the_installed_app_signs_in_to_the_installed_server_and_syncs

stop_server
server_pid=""
log "purging both packages"
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get purge -y -q stride stride-server >/dev/null
for file in /usr/bin/stride /usr/bin/stride-server /lib/systemd/system/stride-server.service /etc/stride; do
  [[ ! -e $file ]] || fail "$file is left after the purge"
done
! getent passwd stride >/dev/null || fail "the stride user is left after the purge"
log "installed, signed in, synced and removed"
