# The two commands of the README: `make serve` (build and serve the app on http://127.0.0.1:8080) and
# `make test` (every check CI runs). Both install what is missing first (scripts/install-tools.sh).
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver

.PHONY: serve build test tools lint native-test wasm-test e2e bench bench-big bench-leaks

serve: tools
	trunk serve --release --no-autoreload --no-error-reporting

build: tools
	trunk build --release

tools:
	scripts/install-tools.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --bins --target wasm32-unknown-unknown -- -D warnings

native-test:
	cargo test

wasm-test:
	cargo test --target wasm32-unknown-unknown --test wasm_browser

e2e: build
	node --test tests/e2e/

test: tools lint native-test wasm-test e2e

bench:
	cargo bench

# parse → analysis → Summary on a generated ~300 MB snapshot (made once with node), five runs: MB/s, peak memory.
bench-big:
	scripts/bench-big.sh 300 5

# `leaks` over three generated ~300 MB snapshots of one process against one `summary`: time ratio, peak memory.
bench-leaks:
	scripts/bench-leaks.sh 300 3
