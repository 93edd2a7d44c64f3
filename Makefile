# The README's commands. `make run` sets everything up on a fresh Debian machine and starts Kitchen;
# `make test` runs every test.
SWIFT ?= swift
CONFIG ?= release
BIN = .build/$(CONFIG)/kitchen
# The Swift runtime and Foundation linked in: start-up drops from ~14 ms to ~9 ms, since no shared
# libraries (ICU among them) have to be loaded and relocated.
RELEASE_FLAGS = -c release --product kitchen --static-swift-stdlib

.PHONY: run build test bench fuzz sanitize clean

run: build
	@$(BIN) $(ARGS)

build:
	@scripts/install-deps build
	$(SWIFT) build $(if $(filter release,$(CONFIG)),$(RELEASE_FLAGS),-c $(CONFIG) --product kitchen)

test:
	@scripts/install-deps test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	python3 Tests/pty/line_editor_test.py .build/debug/kitchen
	KITCHEN_HOME=$$(mktemp -d) .build/debug/kitchen lessons test --lessons lessons
	python3 Tests/browser/restaurant_site_test.py .build/debug/kitchen

bench:
	@scripts/install-deps bench
	$(SWIFT) build $(RELEASE_FLAGS)
	bench/run
	bench/lessons
	bench/http

# libFuzzer over the parsers of untrusted input (Fuzz/, a package of its own): FUZZ_RUNS inputs each.
# CI runs a smoke of 20,000 each so the targets keep building.
FUZZ_RUNS ?= 1000000
fuzz:
	@scripts/install-deps build
	cd Fuzz && nice -n 10 $(SWIFT) build -c debug -Xswiftc -sanitize=fuzzer,address
	nice -n 10 Fuzz/run $(FUZZ_RUNS)

# The whole suite once under ThreadSanitizer and once under AddressSanitizer, each in its own build
# folder so the normal build stays as it is.
sanitize:
	@scripts/install-deps test
	nice -n 10 $(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	nice -n 10 $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan
	nice -n 10 $(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	nice -n 10 $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan

clean:
	rm -rf .build
