#!/usr/bin/env bash
# `make package`: the desktop app and the sync server as Debian packages, into dist/.
#   scripts/package.sh           release builds: what is shipped
#   scripts/package.sh --debug   the tests' build, packaged the same way (scripts/test-packages.sh)
# The app's package comes from Tauri's bundler (its CLI from npm, in ui/node_modules); the
# server's is staged here and built with dpkg-deb. AppImage is not built: its tools
# (linuxdeploy, appimagetool) are downloaded from GitHub releases, which this build may
# not reach.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
profile=release cargo_profile=(--release) tauri_profile=()
if [[ "${1:-}" == --debug ]]; then
  profile=debug cargo_profile=() tauri_profile=(--debug)
fi
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
arch="$(dpkg --print-architecture)"
dist="$PWD/dist"
rm -rf "$dist" && mkdir -p "$dist"

# The desktop app: the bundler builds the UI and the app, then the package (icon,
# desktop entry, and the dependencies in tauri.conf.json's bundle.linux.deb).
rm -rf "$target/$profile/bundle/deb"
ui/node_modules/.bin/tauri build "${tauri_profile[@]}" --bundles deb --ci
cp "$target/$profile/bundle/deb/"*.deb "$dist/stride_${version}_${arch}.deb"

# The sync server.
cargo build "${cargo_profile[@]}" -p stride-server --bin stride-server
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
install -D -m 0755 "$target/$profile/stride-server" "$stage/usr/bin/stride-server"
[[ $profile == release ]] && strip --strip-unneeded "$stage/usr/bin/stride-server"
install -D -m 0644 packaging/server/stride-server.service "$stage/lib/systemd/system/stride-server.service"
install -D -m 0640 packaging/server/server.env "$stage/etc/stride/server.env"
install -D -m 0644 README.md "$stage/usr/share/doc/stride-server/README.md"
install -D -m 0644 packaging/server/copyright "$stage/usr/share/doc/stride-server/copyright"
mkdir -p "$stage/DEBIAN"
install -m 0755 packaging/server/postinst packaging/server/prerm packaging/server/postrm "$stage/DEBIAN/"
echo /etc/stride/server.env > "$stage/DEBIAN/conffiles"
# The binary links only the C library and libgcc (TLS is rustls, in the binary).
cat > "$stage/DEBIAN/control" <<CONTROL
Package: stride-server
Version: $version
Architecture: $arch
Maintainer: Stride maintainers <maintainers@stride.invalid>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: libc6 (>= 2.34), libgcc-s1, adduser
Recommends: postgresql
Section: net
Priority: optional
Homepage: https://stride.invalid
Description: Stride sync server
 The organization's central server of Stride: sign-in, devices, and the sync of
 every organization's changes with its field laptops, over HTTPS, on PostgreSQL.
 Runs as the stride-server systemd service; settings in /etc/stride/server.env.
CONTROL
dpkg-deb --root-owner-group -Zxz --build "$stage" "$dist/stride-server_${version}_${arch}.deb" >/dev/null

for package in "$dist"/*.deb; do
  printf '%s: %s KiB, %s KiB installed\n' "$(basename "$package")" \
    "$(( $(stat -c %s "$package") / 1024 ))" "$(dpkg-deb -f "$package" Installed-Size)"
done
