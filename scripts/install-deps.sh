#!/usr/bin/env bash
# Installs what Stride needs from Debian's or Ubuntu's packages, only what is missing.
#   scripts/install-deps.sh app    the desktop app's build and run dependencies
#   scripts/install-deps.sh test   those, plus what the tests need (Xvfb, WebKitWebDriver,
#                                  a Secret Service, PostgreSQL's server programs, and the
#                                  API fuzzer schemathesis from PyPI in a virtualenv under
#                                  $STRIDE_TOOLS_DIR, by default ~/.cache/stride)
set -euo pipefail

app=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libssl-dev
     pkg-config file build-essential curl ca-certificates nodejs npm postgresql postgresql-client)
test=(xvfb webkit2gtk-driver gnome-keyring libsecret-tools keyutils dbus dbus-x11 x11-utils
      xdotool imagemagick python3-venv dunst)

wanted=("${app[@]}")
[[ "${1:-app}" == test ]] && wanted+=("${test[@]}")

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# Node's own packages (nodesource) ship npm inside nodejs: do not ask Debian for npm then.
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/npm}")
  missing=("${missing[@]/nodejs}")
fi
read -r -a missing <<< "${missing[*]}"

if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "Rust is missing: install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi

# The API fuzzer the server's tests run (tests/fuzz.rs), pinned, kept outside the clone
# so later runs on the same machine reuse it.
if [[ "${1:-app}" == test ]]; then
  schemathesis_version=4.32.5
  venv="${STRIDE_TOOLS_DIR:-$HOME/.cache/stride}/schemathesis-$schemathesis_version"
  if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$schemathesis_version"; then
    echo "Installing schemathesis $schemathesis_version into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
  fi
fi
