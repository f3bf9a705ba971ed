# Tongchou — the two commands: `make demo` and `make test`.
# Everything else here serves them. Dependencies come from Debian packages and
# are installed on first use (root, or sudo).

BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

APT_PACKAGES := build-essential cmake ninja-build ccache pkg-config \
  libboost-dev nlohmann-json3-dev libsqlite3-dev libpq-dev libspdlog-dev libfmt-dev \
  libcli11-dev libsodium-dev libxlsxwriter-dev libgtest-dev libgmock-dev postgresql

.PHONY: all deps configure build test demo format clean bench-registry

all: build

deps:
	@scripts/install-deps.sh $(APT_PACKAGES)

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# Unit tests and black-box API tests, on SQLite and on a throwaway PostgreSQL
# server that ctest starts (tests/pg.sh) and stops afterwards.
test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900

# A small demo city on http://$(LISTEN); Ctrl-C stops it.
demo: build
	@$(BUILD)/tongchou demo --reset --listen $(LISTEN)

# Benchmarks (programs, not tests): figures go to docs/benchmarks.md.
# SCALE=1.0 is the full 9.07 M-resident city; BENCH_ARGS passes more options.
SCALE ?= 1.0
bench-registry: build
	@BUILD=$(abspath $(BUILD)) bench/registry.sh --scale $(SCALE) $(BENCH_ARGS)

format:
	@find src tests -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
