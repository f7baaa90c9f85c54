# The front doors. `make run` and `make test` are the README's two commands; both set up
# what is missing first (scripts/setup.sh), so they work on a fresh Debian 12 machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
# Debian's emscripten optimizer finds its node modules here.
export NODE_PATH := /usr/share/nodejs

# Node tests by subject: the WASM module's API, the relay, the page's logic, the repository.
NODE_TESTS := $(wildcard tests/wasm/*.test.mjs tests/relay/*.test.mjs tests/page/*.test.mjs tests/repo/*.test.mjs)
BROWSER_TESTS := $(wildcard tests/browser/*.test.mjs)

.PHONY: all setup native native-asan wasm build test check-js check-format test-native test-asan test-node test-browser run bench fuzz fuzz-campaign soak clean

all: build

setup:
	@scripts/setup.sh

native: setup
	@cmake --preset native --log-level=WARNING
	@cmake --build --preset native

native-asan: setup
	@cmake --preset native-asan --log-level=WARNING
	@cmake --build --preset native-asan

# Two builds of the same core: web/dist for the page (-Oz: it is downloaded) and relay/dist
# for the relay (-O2: never downloaded, and its checks run on every call; relay/core.js).
# Each build has its own export list (src/wasm/exports-*.txt, PG_WASM_EXPORTS): a build dir
# configured before the lists existed is configured again.
wasm: setup
	@grep -qs '^PG_WASM_EXPORTS:' build/wasm/CMakeCache.txt || emcmake cmake --preset wasm
	@cmake --build --preset wasm
	@grep -qs '^PG_WASM_EXPORTS:' build/wasm-relay/CMakeCache.txt || emcmake cmake --preset wasm-relay
	@cmake --build --preset wasm-relay

build: native wasm

# The JavaScript checks, before every suite (a few seconds): eslint (eslint.config.js), TypeScript
# over the page and the relay (tsconfig.json, against web/core.d.ts), and the diagnosis matrix
# being what scripts/scenario-matrix.mjs generates. npm ci (scripts/setup.sh) installs both tools.
check-js: setup
	@echo "== JavaScript checks (eslint, tsc, diagnosis matrix)"
	@npx --no-install eslint --max-warnings=0 .
	@npx --no-install tsc -p .
	@node scripts/scenario-matrix.mjs --check

# The C++ style (.clang-format); scripts/check-format.sh --fix formats every file.
check-format: setup
	@echo "== C++ format (clang-format, .clang-format)"
	@scripts/check-format.sh

test-native: native
	@echo "== the core's layout: detail/ headers stay inside, folder and file sizes (scripts/check-core-layout.sh)"
	@scripts/check-core-layout.sh
	@echo "== native core tests (doctest)"
	@build/native/tests/native/core_tests

test-node: wasm
	@echo "== WASM module, relay, page and repository tests (node --test: tests/wasm, tests/relay, tests/page, tests/repo)"
	@PG_REQUIRE_SERVICES=1 node --test $(NODE_TESTS)

test-browser: wasm
	@echo "== page tests in headless Chromium (playwright-core)"
	@$(if $(BROWSER_TESTS),node --test --test-concurrency=1 $(BROWSER_TESTS),echo "no browser tests yet")

# The same native suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: native-asan
	@echo "== native core tests under ASan + UBSan"
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		build/native-asan/tests/native/core_tests

test: check-js check-format test-native test-asan test-node test-browser

run: wasm
	@node relay/main.js --demo

# Every Step 5 figure against its peer (bench/index.mjs). 2,000 open streams need about
# 4,300 file descriptors per process: raise the soft limit for this run when allowed.
bench: wasm
	@ulimit -n 65536 2>/dev/null || ulimit -n "$$(ulimit -Hn)" 2>/dev/null || true; node bench/index.mjs

# libFuzzer campaigns over every core entry point that takes outside input (long; not in `make test`).
# FUZZ_SECONDS bounds each fuzzer; see scripts/fuzz.sh.
fuzz: setup
	@scripts/fuzz.sh

# Until every fuzzer has 10 million executions in the ledger, in 15-minute pieces.
fuzz-campaign: setup
	@FUZZ_BUILD_ONLY=1 scripts/fuzz.sh && scripts/fuzz-campaign.sh

# Long hostile-client / load soak against a real relay (not in `make test`); see scripts/soak.mjs.
# Like bench, it needs thousands of file descriptors: the soft limit is raised when allowed.
soak: wasm
	@ulimit -n 65536 2>/dev/null || ulimit -n "$$(ulimit -Hn)" 2>/dev/null || true; node scripts/soak.mjs

clean:
	rm -rf build web/dist relay/dist
