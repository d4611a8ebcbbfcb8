# Stemma: two commands for a newcomer.
#   make demo   builds Stemma and verifies the bundled example models
#   make test   runs every test (Swift unit and end-to-end tests, the threaded ones again under ThreadSanitizer,
#               then the interop tests against model_signing)
# Each installs what it needs when it is missing.

SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
SWIFT_BUILD_FLAGS ?=
STEMMA := .build/release/stemma
# The interop tests on every core (pytest-xdist); worksteal, since a few tests take far longer than the rest.
PYTEST_FLAGS ?= -n auto --dist worksteal

.PHONY: all build release man demo test test-swift test-tsan test-interop deps venv lint clean bench bench-scan

all: build

## System libraries (libssl-dev, libarchive-dev) and the tools the tests compare against (zip, unzip, zstd, xz),
## Graphviz (the tests read `impact --format dot` with it) and Chromium (the tests open `stemma report`'s page in
## it headless), installed with apt-get when missing.
deps:
	@missing=""; \
	pkg-config --exists libcrypto || missing="$$missing libssl-dev"; \
	pkg-config --exists libarchive || missing="$$missing libarchive-dev"; \
	command -v zstd >/dev/null || missing="$$missing zstd"; \
	command -v xz >/dev/null || missing="$$missing xz-utils"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	command -v zip >/dev/null || missing="$$missing zip"; \
	command -v unzip >/dev/null || missing="$$missing unzip"; \
	command -v dot >/dev/null || missing="$$missing graphviz"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	python3 -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing pkg-config >/dev/null; \
	fi

## A Python venv with the independent tools the tests check against (model_signing from PyPI).
venv: $(VENV)/.installed

$(VENV)/.installed: Tests/interop/requirements.txt
	@python3 -m venv $(VENV) || { echo "error: python3 -m venv failed (apt-get install -y python3-venv)"; exit 1; }
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r Tests/interop/requirements.txt
	@touch $@

build: deps
	swift build $(SWIFT_BUILD_FLAGS)

# The Swift runtime linked statically: measured 2-4 ms less start-up (no dynamic relocation of libswiftCore).
release: deps
	swift build -c release --static-swift-stdlib $(SWIFT_BUILD_FLAGS)

# The manual page, generated from the commands' help by argument-parser's generate-manual plugin, so it says what
# `--help` says. Written to .build/man/stemma.1; read it with `man .build/man/stemma.1`.
man: deps
	swift package $(SWIFT_BUILD_FLAGS) plugin generate-manual --configuration debug --multi-page
	mkdir -p .build/man
	cp $$(find .build/plugins/GenerateManual/outputs -name "*.1") .build/man/
	@ls .build/man

demo: release
	@STEMMA=$(STEMMA) bash examples/demo.sh

# What `make test` costs from a clean checkout (CPU-s = user + system of the step and the children it waits for,
# measured on the shared 2-core machine; wall there was 2-4x a quiet one's):
#   lint 2 | swift build 63 | test targets' build 99 | swift test 61, less ~16 since the digest and bomb tests
#   were trimmed | TSan build 152 (174 with every test target) | TSan run 16-22 | interop suite ~550 serial,
#   ~590 on 2 workers (session fixtures made once per worker) -- about 950 CPU-s in all. The last fresh-clone CI
#   before these changes took 801 s on a quiet machine with the interop suite on one core; the suite on both
#   cores should bring it to ~10 min (an estimate: not yet measured on a quiet machine).
#   The largest interop costs: the reader-scale tests (~40% of its wall: 10^5-10^6-item inputs through the debug
#   binary) and the SPDX 3 validator on the whole fleet (~100 CPU-s, pure-Python JSON schema).
test: deps venv lint
	swift build $(SWIFT_BUILD_FLAGS)
	swift test $(SWIFT_BUILD_FLAGS)
	$(MAKE) test-tsan
	STEMMA=$$(swift build $(SWIFT_BUILD_FLAGS) --show-bin-path)/stemma $(PYTHON) -m pytest -q $(PYTEST_FLAGS) Tests/interop

# The Swift tests that start threads, built and run again under ThreadSanitizer in their own scratch folder, so a
# data race fails CI (halt_on_error: the first report ends the run). Not the whole suite: under TSan it takes
# ~8.5 min on 2 cores, most of it EngineFuzzTests' tens of thousands of mutated archives, which run on one
# thread. The suites that do start threads:
#   StemmaCoreTests                 ParallelMap, ResultSlots, WorkFeed, LockedValue themselves
#   StemmaVerificationTests         the parallel hasher, the read-ahead ring, one-pass hash and scan
#   StemmaScanTests.EngineTests     ModelScanner.scan(paths:) over folders, on all cores
#   StemmaBOMTests                  Inventory.read (walker thread feeding the readers) over the example fleet
#   ScanCommandTests, ImpactCommandTests (end to end): the TSan-built `stemma` itself for scan, sign, verify and
#                                   impact; a race in the binary makes it exit 66 and the test fail
#   StemmaPostureTests.LiveRunAssemblerTests  the run assembly `stemma posture serve` shares across requests, fed
#                                   from many threads
# StemmaInventoryTests is left out: its reader tests call the readers directly, on one thread.
# The TSan build leaves out the default trait Serve (--disable-default-traits): SwiftNIO and swift-protobuf are
# not compiled a second time, and StemmaOTLP/StemmaServe compile empty. The state the server
# shares between requests lives in StemmaPosture (LiveRunAssembler, LiveRunJudge), which this build does test.
TSAN_SUITES := StemmaCoreTests|StemmaVerificationTests|StemmaScanTests.EngineTests|StemmaBOMTests|StemmaEndToEndTests.ScanCommandTests|StemmaEndToEndTests.ImpactCommandTests|StemmaPostureTests.LiveRunAssemblerTests
# Their test targets (the part of each suite before the first dot): Package.swift builds only these when
# STEMMA_TEST_TARGETS is set, so the TSan build skips the test targets it never runs (measured: see `test`).
TSAN_TEST_TARGETS := $(shell echo '$(TSAN_SUITES)' | tr '|' '\n' | cut -d. -f1 | sort -u | paste -sd, -)
test-tsan: export STEMMA_TEST_TARGETS := $(TSAN_TEST_TARGETS)

test-tsan: deps
	TSAN_OPTIONS=halt_on_error=1 swift test $(SWIFT_BUILD_FLAGS) --disable-default-traits --sanitize=thread \
	  --scratch-path .build-tsan --filter '$(TSAN_SUITES)'

bench: release
	bash benchmarks/verify-bench.sh

bench-scan: release
	bash benchmarks/scan-bench.sh

lint:
	swift format lint --strict --recursive Sources Tests Package.swift

clean:
	rm -rf .build .build-tsan $(VENV) .demo
