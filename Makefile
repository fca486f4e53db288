# Stride: two commands set everything up on a fresh Debian or Ubuntu machine.
#   make run    install what the app needs, start PostgreSQL and the sync server with
#               the demo organizations, then open the desktop app
#   make test   install what the tests need, then run every test (Rust, UI, end-to-end,
#               and the Debian packages installed, used and removed: needs root or sudo)
#   make package  the desktop app and the sync server as Debian packages, in dist/
# Cargo's build folder can live outside the clone: set CARGO_TARGET_DIR (CI does).

SHELL := /bin/bash
CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR

.PHONY: run test deps test-deps ui-deps ui-build ui-test rust-test package-test package lint bindings openapi bench clean

run: deps ui-build
	scripts/run.sh

test: test-deps ui-test ui-build lint rust-test package-test

deps:
	scripts/install-deps.sh app

test-deps:
	scripts/install-deps.sh test
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --version ^2 --locked

ui-deps:
	@if [ ui/node_modules/.package-lock.json -nt ui/package-lock.json ]; then :; else cd ui && npm ci --no-audit --no-fund; fi

ui-build: ui-deps
	cd ui && npm run build

ui-test: ui-deps
	cd ui && npm run check && npm test

# One build of the workspace serves every Rust test. PostgreSQL is found or started
# first; the tests run in a session with a D-Bus bus, an unlocked Secret Service (the
# OS keyring) and a virtual display for the app's window.
# The API fuzzer (schemathesis) comes from scripts/install-deps.sh test.
STRIDE_TOOLS_DIR ?= $(HOME)/.cache/stride
export STRIDE_SCHEMATHESIS ?= $(STRIDE_TOOLS_DIR)/schemathesis-4.32.5/bin/st

rust-test: ui-build
	STRIDE_TEST_DATABASE_URL="$$(scripts/postgres.sh)" scripts/test-session.sh cargo test --workspace

# The packages from the tests' build, installed with apt, used end to end, then purged.
package-test: rust-test
	scripts/test-packages.sh

# Release builds of both packages into dist/ (sizes printed at the end).
package: deps ui-deps
	scripts/package.sh

lint: ui-build
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

# Regenerates ui/src/lib/bindings.ts from the Rust types (commit the result).
bindings: ui-build
	UPDATE_BINDINGS=1 cargo test --lib bindings

# Regenerates crates/stride-server/openapi.json from the handlers (commit the result).
openapi:
	UPDATE_OPENAPI=1 cargo test -p stride-server --lib openapi

# Worker search at 50,000 workers, then sync at 1.19 million rows (against PostgreSQL,
# found or started as for the tests; STRIDE_BENCH_SCALE=0.1 for a quick run), then the
# app's window: cold start and memory after its first sync (in the tests' session).
bench: test-deps ui-build
	cargo bench -p stride-store --bench worker_search
	STRIDE_TEST_DATABASE_URL="$$(scripts/postgres.sh)" scripts/test-session.sh cargo bench --bench sync

clean:
	rm -rf ui/dist ui/node_modules .dev dist
