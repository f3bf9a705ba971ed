# Tongchou — the two commands: `make demo` and `make test`.
# Everything else here serves them. Dependencies come from Debian packages and
# are installed on first use (root, or sudo).

BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

APT_PACKAGES := build-essential cmake ninja-build ccache pkg-config python3 \
  libboost-dev nlohmann-json3-dev libsqlite3-dev libpq-dev libspdlog-dev libfmt-dev \
  libcli11-dev libsodium-dev libxlsxwriter-dev libzip-dev libexpat1-dev libqrencode-dev libpng-dev libopencc-dev libicu-dev libgtest-dev libgmock-dev postgresql

.PHONY: all deps configure build test demo format clean bench-registry bench-tracing bench-tiers bench-testing bench-healthcode bench-hotline bench-enterprise bench-quarantine web deps-test

# The web console's end-to-end tests drive Debian's Chromium; the fonts make the
# Chinese in their screenshots legible. The fuzz tests build with clang and its
# libFuzzer runtime; an XLSX test reads workbooks back with unzip.
TEST_APT_PACKAGES := chromium fonts-wqy-microhei clang libclang-rt-14-dev unzip

all: build

deps:
	@scripts/install-deps.sh $(APT_PACKAGES)
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || scripts/install-deps.sh nodejs npm

deps-test:
	@scripts/install-deps.sh $(TEST_APT_PACKAGES)

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure web
	@cmake --build $(BUILD) -j $(JOBS)

# The web console (web/, Vue + Vite): packages pinned by web/package-lock.json are
# installed when node_modules is missing or the lock changed; web/dist is rebuilt when
# a source changed. The binary serves web/dist (--web auto finds it).
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) \
  web/index.html web/vite.config.ts web/tsconfig.json web/package.json
web: web/dist/index.html

web/node_modules/.package-lock.json: web/package-lock.json
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || scripts/install-deps.sh nodejs npm
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' || \
	  { echo "web: Node $$(node --version) is too old; Vite 8 needs Node >= 20.19" >&2; exit 1; }
	@if [ -L web/node_modules ]; then \
	  echo "web: node_modules is a link to another checkout's packages; not reinstalling through it"; \
	else cd web && npm ci --no-audit --no-fund --loglevel=error; fi
	@touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	@cd web && npm run --silent build
	@find web/dist -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' -o -name '*.json' \) \
	  -exec gzip -9 -k -f {} +

# Unit tests and black-box API tests, on SQLite and on a throwaway PostgreSQL
# server that ctest starts (tests/pg.sh) and stops afterwards; the web console's
# Vitest and end-to-end tests (web.unit, web.e2e; screenshots in $(BUILD)/artifacts/);
# a libFuzzer pass of FUZZ_SECONDS per target over the CSV reader, the JSON
# parser and the health-code verifier (fuzz.csv, fuzz.json, fuzz.healthcode; finds
# in $(BUILD)/fuzz/).
FUZZ_SECONDS ?= 30
test: build deps-test
	@cd $(BUILD) && TC_FUZZ_SECONDS=$(FUZZ_SECONDS) ctest --output-on-failure -j $(JOBS) --timeout 900

# A small demo city on http://$(LISTEN); Ctrl-C stops it.
demo: build
	@$(BUILD)/tongchou demo --reset --listen $(LISTEN)

# Benchmarks (programs, not tests): figures go to docs/benchmarks.md.
# SCALE=1.0 is the full 9.07 M-resident city; BENCH_ARGS passes more options.
SCALE ?= 1.0
bench-registry: build
	@BUILD=$(abspath $(BUILD)) bench/registry.sh --scale $(SCALE) $(BENCH_ARGS)
# The tracing engine against SQLite and PostgreSQL on the same check-ins. The peers
# hold TRACE_SCALE (0.15: 1.36 M residents, ~95 M check-ins in 14 days); the engine
# alone at the full city: make bench-tracing TRACE_SCALE=1.0 BENCH_ARGS=--no-peers
TRACE_SCALE ?= 0.15
bench-tracing: build
	@BUILD=$(abspath $(BUILD)) bench/tracing.sh --scale $(TRACE_SCALE) $(BENCH_ARGS)
# Contact tiers against dose-model outbreaks' ground truth (docs/contact-tiers.md):
# 2 sources × 3 seeds on a city at TIERS_SCALE with 14 days of check-ins.
# Mass testing (src/screening) against SQLite and PostgreSQL: a whole-city round in
# bulk, registrations over HTTP from 500 connections to `tongchou serve`, results,
# fan-out, coverage, door lists, own results (docs/benchmarks.md). The city is
# TESTING_SCALE (generated into build/bench-testing once, or give BENCH_ARGS=--city FILE).
TESTING_SCALE ?= 1.0
bench-testing: build
	@BUILD=$(abspath $(BUILD)) bench/testing.sh --scale $(TESTING_SCALE) $(BENCH_ARGS)
# Health codes: full recompute, incremental updates, sign/verify, and live status
# lookups over HTTP (wrk) beside Redis (redis-benchmark) and PostgreSQL (pgbench).
HEALTHCODE_SCALE ?= 1.0
bench-healthcode: build
	@BUILD=$(abspath $(BUILD)) bench/healthcode.sh --scale $(HEALTHCODE_SCALE) $(BENCH_ARGS)
# The 12345 hotline: route rate per core (full city), intake p99 over HTTP, and the
# three-rate dashboard over a year of Beijing-scale volume on SQLite and PostgreSQL.
HOTLINE_SCALE ?= 1.0
bench-hotline: build
	@BUILD=$(abspath $(BUILD)) bench/hotline.sh --scale $(HOTLINE_SCALE) $(BENCH_ARGS)
# Enterprises (issue 19): 100 policies matched over every enterprise (1.365 M at 1.0),
# one enterprise re-matched, the resumption dashboard; SQLite and PostgreSQL beside.
ENTERPRISE_SCALE ?= 1.0
bench-enterprise: build
	@BUILD=$(abspath $(BUILD)) bench/enterprise.sh --scale $(ENTERPRISE_SCALE) $(BENCH_ARGS)
# Issue 20: quarantine assignment of Xinfadi's 316,000 contacts (1.0), the day's check
# list, the open-loop report, the city's special-care call lists; SQLite and PostgreSQL beside.
QUARANTINE_SCALE ?= 1.0
bench-quarantine: build
	@BUILD=$(abspath $(BUILD)) bench/quarantine.sh --scale $(QUARANTINE_SCALE) $(BENCH_ARGS)
TIERS_SCALE ?= 0.05
bench-tiers: build
	@BUILD=$(abspath $(BUILD)) bench/tiers_eval.sh --scale $(TIERS_SCALE) $(BENCH_ARGS)

format:
	@find src tests -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
