# Gugus: the two commands are `make run` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= debug
GUGUS := .build/$(CONFIG)/gugus
export GUGUS_HOME ?= $(CURDIR)/.gugus
# The Python test tools (schemathesis, aiosmtpd, icalendar, selenium) run from the locked
# virtual environment that scripts/python-env.sh makes; tests find them first on PATH.
WITH_TEST_TOOLS := PATH=$(CURDIR)/.build/python/bin:$$PATH

.PHONY: run test build deps bench check-leaks fuzz clean help

help:
	@echo "make run          install what is missing, build, start the local database, serve on :8080"
	@echo "make test         the same setup, then every test against a throwaway database"
	@echo "make bench        benchmarks (release build), with figures and ratios"
	@echo "make check-leaks  the libpq layer's tests under valgrind"
	@echo "make fuzz         the API against its OpenAPI document (schemathesis)"

deps:
	@scripts/install-deps.sh run

build: deps
	$(SWIFT) build -c $(CONFIG) --product gugus

run: build
	@scripts/run.sh $(GUGUS)

test:
	@scripts/install-deps.sh test
	$(SWIFT) build --build-tests
	$(WITH_TEST_TOOLS) scripts/with-test-cluster.sh .build/debug/gugus $(SWIFT) test --skip-build
	scripts/portal-test.sh .build/debug/gugus
	scripts/fuzz.sh --quick .build/debug/gugus

fuzz:
	@scripts/install-deps.sh test
	$(SWIFT) build --product gugus
	scripts/fuzz.sh .build/debug/gugus

bench:
	@scripts/install-deps.sh bench
	$(SWIFT) build -c release --product gugus-bench
	$(SWIFT) build -c release --product gugus
	.build/release/gugus-bench

check-leaks:
	@scripts/install-deps.sh leaks
	scripts/check-leaks.sh

clean:
	$(SWIFT) package clean
	rm -rf .build-*
