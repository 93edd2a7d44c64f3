# The README's commands. `make run` sets everything up on a fresh Debian machine and starts Kitchen;
# `make test` runs every test.
SWIFT ?= swift
CONFIG ?= release
BIN = .build/$(CONFIG)/kitchen

.PHONY: run build test unit e2e pty lessons-test bench clean

run: build
	@$(BIN) $(ARGS)

build:
	@scripts/install-deps build
	$(SWIFT) build -c $(CONFIG) --product kitchen

test:
	@scripts/install-deps test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	python3 Tests/pty/line_editor_test.py .build/debug/kitchen
	KITCHEN_HOME=$$(mktemp -d) .build/debug/kitchen lessons test --lessons lessons
	python3 Tests/browser/restaurant_site_test.py .build/debug/kitchen

bench:
	@scripts/install-deps bench
	$(SWIFT) build -c release --product kitchen
	bench/run
	bench/lessons
	bench/http

clean:
	rm -rf .build
