#!/usr/bin/env bash
# Runs a command inside what a desktop session gives an app: a D-Bus session bus with
# an unlocked gnome-keyring (the Secret Service), a kernel session keyring, and a
# virtual display. Keyrings and app data go to a temporary folder, never $HOME.
set -euo pipefail
session_home="$(mktemp -d)"
# Desktop services may mount the document portal under the runtime folder: unmount it first.
trap 'fusermount -u -z "$session_home/run/doc" 2>/dev/null || true; rm -rf "$session_home"' EXIT
export XDG_DATA_HOME="$session_home/data" XDG_CONFIG_HOME="$session_home/config" \
       XDG_CACHE_HOME="$session_home/cache" XDG_RUNTIME_DIR="$session_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
mkdir -m 700 "$XDG_RUNTIME_DIR"
keyctl session stride-tests dbus-run-session -- sh -c '
  printf stride-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # Wait until the unlocked keyring answers (store and clear a probe secret): a test
  # that reached the Secret Service before it was ready could start a second, locked
  # daemon whose password prompt would wait forever on the virtual display.
  ready=""
  for _ in $(seq 1 50); do
    if printf probe | timeout 5 secret-tool store --label=stride-probe stride probe >/dev/null 2>&1 &&
       timeout 5 secret-tool clear stride probe >/dev/null 2>&1; then ready=yes; break; fi
    sleep 0.2
  done
  [ -n "$ready" ] || { echo "test-session: the Secret Service never became ready" >&2; exit 1; }
  exec xvfb-run -a -s "-screen 0 1280x1024x24" "$@"' sh "$@"
