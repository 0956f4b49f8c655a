# leadflow — the commands the README gives. Everything installs itself on first use.

SHELL := /bin/bash
PYTHON ?= python3
# uv from PATH, else a private copy installed from PyPI under .local/tools
UV := $(shell command -v uv 2>/dev/null || echo .local/tools/bin/uv)
PYTEST_ARGS ?=
# Trust the platform's certificate store (corporate proxies and custom CAs included).
export UV_SYSTEM_CERTS ?= true

.PHONY: help install browser run test lint typecheck pytest bench test-faults clean

help:
	@echo "make run    - start broker, Postgres and all four services (Ctrl-C stops them)"
	@echo "make test   - lint, type-check and run the whole test suite"
	@echo "make test-faults - the fault suite: make run's stack under kills, freezes and overload"
	@echo "make bench  - run the benchmarks (capture, the whole pipeline, verify, score, router) and write reports"

.local/tools/bin/uv:
	$(PYTHON) -m venv .local/tools
	.local/tools/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"

# Bytecode compiled at install: a process then starts in about a third of the time (its
# imports need no compiling; this matters where Python may not write its own cache), so a
# restarted consumer is back sooner. The project's own sources are compiled too (quick when
# nothing changed).
install: $(if $(filter .local/tools/bin/uv,$(UV)),.local/tools/bin/uv)
	$(UV) sync --frozen --compile-bytecode
	$(UV) run --frozen python -m compileall -q shared/src services/capture/src services/verify/src services/score/src services/router/src deploy/local/src tests > /dev/null

run: install
	$(UV) run --frozen leadflow-local run

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

typecheck: install
	$(UV) run --frozen mypy shared/src services/capture/src services/verify/src services/score/src services/router/src deploy/local/src tests

# The landing-page tests drive Debian's Chromium; install it when missing (needs root + apt).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing chromium (Debian package) for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "the browser tests need Chromium: sudo apt-get install -y chromium" >&2; exit 1; \
	  fi; }

pytest: install browser
	$(UV) run --frozen pytest $(PYTEST_ARGS)

test: lint typecheck pytest

# capture's intake against a baseline, the whole pipeline as `make run` starts it, verify's
# stage alone (offline DNS and a loopback DNS server), score's stage, replay and promote, then
# router's stage; all five always run, and the target fails when any does.
bench: install
	$(UV) run --frozen python -m tests.bench.run; status=$$?; \
	$(UV) run --frozen python -m tests.bench.pipeline || status=1; \
	$(UV) run --frozen python -m tests.bench.verify || status=1; \
	$(UV) run --frozen python -m tests.bench.score || status=1; \
	$(UV) run --frozen python -m tests.bench.router || status=1; \
	exit $$status

# make run's stack under faults (kill -9 of every process and the broker, a frozen broker,
# a Postgres restart, poison records, overload) while leads are posted; fails when a lead
# answered 2xx is lost or routed twice. About six minutes; not part of make test.
test-faults: install
	$(UV) run --frozen python -m tests.faults.run

clean:
	rm -rf .local/test-logs .pytest_cache .mypy_cache .ruff_cache
