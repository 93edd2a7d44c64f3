# The README's commands. `make run` sets everything up on a fresh Debian machine and starts Kitchen;
# `make test` runs every test.
SWIFT ?= swift
CONFIG ?= release
# A release build is installed stripped (symbols are most of its size); the symbolised binary
# stays at .build/release/kitchen for reading crash reports.
BIN = $(if $(filter release,$(CONFIG)),.build/kitchen,.build/$(CONFIG)/kitchen)
# The Swift runtime and Foundation linked in: start-up drops from ~14 ms to ~9 ms, since no shared
# libraries (ICU among them) have to be loaded and relocated.
# Linked as a position-dependent executable: a PIE this size has ~126,000 relative relocations
# that the dynamic linker applies at every start, touching ~1 MB of pages (about 15% of
# `kitchen sql`'s start-up in a profile).
# With no dynamic symbol table of its own: the static Swift runtime's link flags export every
# symbol of the package's object files (38,000), which the dynamic linker then searched first for
# every symbol the shared libraries look up, and the runtime's start-up `dladdr` scanned end to end
# (~13% of `kitchen sql`'s start-up; the binary is 4 MB smaller). Nothing looks them up: crash
# reports of the stripped binary are read against .build/release/kitchen, which keeps its symbols.
RELEASE_FLAGS = -c release --product kitchen --static-swift-stdlib -Xlinker -no-pie -Xlinker --no-export-dynamic

# `make install`: the binary in $(PREFIX)/bin, the lessons (with their fixtures and site) in
# $(PREFIX)/share/kitchen/lessons, where the binary finds them relative to itself. PREFIX defaults to
# /usr/local for root (or when it is writable), else ~/.local. DESTDIR stages a package.
PREFIX ?= $(shell if [ "$$(id -u)" = 0 ] || [ -w /usr/local/bin ]; then echo /usr/local; else echo $$HOME/.local; fi)
SHARE = $(DESTDIR)$(PREFIX)/share/kitchen

.PHONY: run build test bench fuzz fuzz-smoke sanitize clean install uninstall

run: build
	@$(BIN) $(ARGS)

build:
	@scripts/install-deps build
	$(SWIFT) build $(if $(filter release,$(CONFIG)),$(RELEASE_FLAGS),-c $(CONFIG) --product kitchen)
	$(if $(filter release,$(CONFIG)),strip -o $(BIN) .build/release/kitchen)

# `make test` runs the suites in three calls. Suites that start many processes or connections (nginx
# and instances, Flask and Node, 1,000 connections, load runs, slow clients) run one test at a time
# after the others: run in parallel with everything else on 2 cores, they starved the other live
# suites' servers of CPU until those tests' own time bounds failed. The runaway suite keeps six
# CPU-bound queries busy for seconds: it runs alone, so that no other suite's timing bounds are
# measured on a machine it saturates. Last, a short run of each fuzz target (`fuzz-smoke`), so the
# fuzzers keep building; `make fuzz` is the long run.
# ServerPanelStartUnderWayTests runs there too: each of its tests blocks a thread of Swift's task
# pool (two threads on 2 cores) until a server start held back on purpose finishes, and that start
# needs a pool thread; beside another suite that blocks one, it waited forever.
HEAVY_SUITES = LoadRunnerTests|MiniServerAbuseTests|MiniServerSlowClientTests|KitchenServeInstancesTests|KitchenPromptScaleTests|RouteExportFrameworkTests|RouteExportExpressTests|ServerPanelStartUnderWayTests

test:
	@scripts/install-deps test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip '$(HEAVY_SUITES)|MiniServerRunawayTests'
	$(SWIFT) test --skip-build --no-parallel --filter '$(HEAVY_SUITES)'
	$(SWIFT) test --skip-build --filter MiniServerRunawayTests
	python3 Tests/pty/line_editor_test.py .build/debug/kitchen
	KITCHEN_HOME=$$(mktemp -d) .build/debug/kitchen lessons test --lessons lessons
	python3 Tests/browser/restaurant_site_test.py .build/debug/kitchen
	python3 Tests/browser/cors_other_site_test.py .build/debug/kitchen
	python3 Tests/browser/stored_xss_test.py .build/debug/kitchen
	$(MAKE) fuzz-smoke

bench:
	@scripts/install-deps bench
	$(SWIFT) build $(RELEASE_FLAGS)
	strip -o .build/kitchen .build/release/kitchen
	KITCHEN_BIN=.build/kitchen bench/run
	KITCHEN_BIN=.build/kitchen bench/lessons
	KITCHEN_BIN=.build/kitchen bench/http
	KITCHEN_BIN=.build/kitchen bench/runaways
	KITCHEN_BIN=.build/kitchen bench/startup

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/kitchen
	-@command -v strip >/dev/null && strip $(DESTDIR)$(PREFIX)/bin/kitchen
	rm -rf $(SHARE)/lessons
	cp -R lessons $(SHARE)/lessons
	@echo "Installed $(DESTDIR)$(PREFIX)/bin/kitchen; lessons in $(SHARE)/lessons."
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) echo "$(PREFIX)/bin is not on your PATH: add it, or run $(PREFIX)/bin/kitchen";; esac

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/kitchen
	rm -rf $(SHARE)

# libFuzzer over the parsers of untrusted input (Fuzz/, a package of its own, built with
# AddressSanitizer): FUZZ_RUNS inputs each, seeded from the lessons, tests, examples and docs.
# `make fuzz` uses a release build, where the Swift parsers run each input several times faster
# than in a debug build: that is what brings a million runs per target within minutes. `make
# fuzz-smoke` (CI) uses the debug build, which compiled in less than half the time (README,
# "Fuzzing and sanitizers", has the figures); 20,000 inputs per target need no speed.
FUZZ_RUNS ?= 1000000
FUZZ_SMOKE_RUNS ?= 20000
FUZZ_BUILD = cd Fuzz && nice -n 10 $(SWIFT) build -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
fuzz:
	@scripts/install-deps build
	$(FUZZ_BUILD) -c release
	FUZZ_BIN=.build/release nice -n 10 Fuzz/run $(FUZZ_RUNS)

# CI's smoke: the fuzz targets still build and each survives FUZZ_SMOKE_RUNS inputs.
fuzz-smoke:
	@scripts/install-deps build
	$(FUZZ_BUILD) -c debug
	FUZZ_BIN=.build/debug nice -n 10 Fuzz/run $(FUZZ_SMOKE_RUNS)

# The whole suite once under ThreadSanitizer and once under AddressSanitizer (with LeakSanitizer),
# each in its own build folder so the normal build stays as it is: Tests/sanitizers/run builds,
# runs the tests as `test` does (heavy suites one at a time), reads every process's sanitizer
# reports from files and sums up. ThreadSanitizer does not see Synchronization.Mutex on Linux
# (Tests/sanitizers/MutexVisibility.swift shows it): the check below says when a toolchain no
# longer needs the suppressions that name the Mutex-guarded functions.
sanitize:
	@scripts/install-deps test
	mkdir -p .build-tsan
	$(SWIFT)c -sanitize=thread Tests/sanitizers/MutexVisibility.swift -o .build-tsan/mutex-visibility
	@if TSAN_OPTIONS=halt_on_error=1 .build-tsan/mutex-visibility mutex >/dev/null 2>&1; then \
		echo "ThreadSanitizer now sees Mutex: Tests/sanitizers/tsan-suppressions.txt can go"; \
	else echo "ThreadSanitizer does not see Mutex here: using Tests/sanitizers/tsan-suppressions.txt"; fi
	HEAVY_SUITES='$(HEAVY_SUITES)' SWIFT='$(SWIFT)' Tests/sanitizers/run thread; \
	tsan=$$?; HEAVY_SUITES='$(HEAVY_SUITES)' SWIFT='$(SWIFT)' Tests/sanitizers/run address && exit $$tsan

clean:
	rm -rf .build
