# Two entry points that work on a fresh machine with only Python 3.11:
#   make demo   set everything up, run the main job on the demo source, serve the dashboard
#   make test   set everything up, run the whole test suite
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when the dependency list changes.
STAMP := $(VENV)/.installed
# The optional embedding model (pyproject's `embeddings`), for the tests of detectors/reading.py.
EMBEDDINGS := $(VENV)/.installed-embeddings

.PHONY: demo test audit install browser dagster-dev bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(EMBEDDINGS): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,embeddings]'
	touch $(EMBEDDINGS)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/earshot demo

test: $(EMBEDDINGS) browser
	$(BIN)/python -m pytest -q --durations=15
	$(MAKE) --no-print-directory audit

# Known vulnerabilities in the installed dependencies (fails on any). pip-audit lists a package it cannot look
# up as not audited rather than failing; where it can look up none (this network answers 404 for PyPI's
# per-release JSON), scripts/audit_latest.py audits every package installed at its newest release.
audit: $(STAMP)
	$(BIN)/pip-audit --skip-editable --progress-spinner off --desc off 2>&1 | \
	  awk '/not found on PyPI|could not be audited/ {skipped++; next} {print} END {print "pip-audit: " skipped+0 " packages could not be looked up"}'; \
	  test $${PIPESTATUS[0]} = 0
	$(BIN)/python scripts/audit_latest.py

# Debian's chromium for the real-browser dashboard test (Playwright drives /usr/bin/chromium; it downloads
# no browser of its own). Installed when we may; otherwise that one test is skipped and says why.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y -qq chromium >/dev/null 2>&1 || \
	      (apt-get update -qq && apt-get install -y -qq chromium >/dev/null); \
	  else echo "make: /usr/bin/chromium is missing (apt-get install chromium): the browser test is skipped"; fi; \
	fi

# The Dagster UI over the same definitions (http://127.0.0.1:3000).
dagster-dev: $(STAMP)
	$(BIN)/earshot dagster-dev

# Measurements quoted in the README (minutes each; not part of `make test`).
bench: $(STAMP)
	$(BIN)/python -m benchmarks.import_rate
	$(BIN)/python -m benchmarks.langid_accuracy
	$(BIN)/python -m benchmarks.detection_eval --replay-check
	$(BIN)/python -m benchmarks.detection_speed
	$(BIN)/python -m benchmarks.live_tick

clean:
	rm -rf $(VENV) data/ .pytest_cache
