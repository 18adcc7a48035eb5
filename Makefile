# Two commands for a newcomer:  make serve   and   make test   (see README.md).
# Every target does its own set-up; stamps keep a second run fast and offline.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
CACHE     := .cache
RUNTIME   := $(CACHE)/runtime
SAMPLES   := $(CACHE)/samples
SITE      := site
HOST      ?= 127.0.0.1
PORT      ?= 8000
PYTEST_ARGS ?=
CHROMIUM  ?= /usr/bin/chromium
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

STAMP_VENV    := $(VENV)/.stamp-install
STAMP_VENDOR  := $(RUNTIME)/.stamp-vendor
CHECKER_SRC   := $(shell find checker -type f \( -name '*.py' -o -name '*.json' -o -name '*.pem' -o -name '*.txt' \) 2>/dev/null) pyproject.toml
SAMPLE_SRC    := $(shell find scripts/make_samples.py scripts/templates scripts/testkit -type f 2>/dev/null)
DOCS_SRC      := $(shell find docs overrides -type f 2>/dev/null) mkdocs.yml $(wildcard scripts/*hook*.py)

.PHONY: help setup venv vendor runtime samples fonts build serve lint test test-unit chromium poppler dist clean distclean bench fuzz

help:
	@echo "make serve   set up everything, build the site and serve it at http://$(HOST):$(PORT)/"
	@echo "make test    set up everything (incl. Debian chromium), lint and run all tests"
	@echo "make lint    ruff + mypy over checker/ and scripts/ (configured in pyproject.toml)"
	@echo "make build   build the site into $(SITE)/        make dist   dated tarball of the site"
	@echo "make vendor  fetch + verify the browser runtime into $(CACHE)/ (pinned in scripts/runtime-manifest.json)"

# --- Python environment -------------------------------------------------------------------
# A Python >= 3.12 (pyodide-build needs it): PATH first, else pyenv's installed versions.
define FIND_PYTHON
for p in python3.14 python3.13 python3.12 python3 python; do \
  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    command -v $$p; exit 0; fi; done; \
for d in $$(ls -d /root/.pyenv/versions/3.1[2-9]* 2>/dev/null | sort -rV); do \
  if [ -x $$d/bin/python3 ] && $$d/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    echo $$d/bin/python3; exit 0; fi; done; \
echo "error: no Python >= 3.12 found on PATH or in /root/.pyenv/versions/3.1[2-9]*" >&2; exit 1
endef

venv setup: $(STAMP_VENV)

$(STAMP_VENV): pyproject.toml
	@if ! [ -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  base=$$($(FIND_PYTHON)); echo "creating $(VENV) with $$base ($$($$base --version))"; \
	  rm -rf $(VENV); $$base -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# --- Browser runtime (pinned, hashed, cached in .cache/, never committed) --------------------
vendor: $(STAMP_VENDOR)

$(STAMP_VENDOR): $(STAMP_VENV) scripts/vendor.py scripts/runtime-manifest.json pyproject.toml
	@if ! command -v npm >/dev/null 2>&1 && ! [ -d $(CACHE)/npm ]; then \
	  echo "installing Debian npm (vendoring downloads the browser runtime with npm pack)"; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y npm; fi
	$(PY) scripts/vendor.py --cache $(CACHE) --out $(RUNTIME)
	@touch $@

# The checker wheel + the site's Pyodide lockfile (rebuilt when checker/ changes).
runtime: $(RUNTIME)/pyodide/pyodide-lock.json

$(RUNTIME)/pyodide/pyodide-lock.json: $(STAMP_VENDOR) scripts/build_lock.py scripts/precompile.mjs scripts/snapshot.mjs $(CHECKER_SRC)
	$(PY) scripts/build_lock.py --runtime $(RUNTIME) --cache $(CACHE)

# --- Sample certificates (written by the certificate helper's script, when it exists) --------
samples: $(SAMPLES)/.stamp

# make_samples.py embeds subsets of two freely licensed Debian fonts (CJK + Latin).
FONT_CJK   := /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
FONT_LATIN := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
fonts:
	@if ! [ -f $(FONT_CJK) ] || ! [ -f $(FONT_LATIN) ]; then \
	  echo "installing Debian fonts-droid-fallback and fonts-dejavu-core (embedded in the sample certificates)"; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y fonts-droid-fallback fonts-dejavu-core; fi

$(SAMPLES)/.stamp: $(STAMP_VENV) $(SAMPLE_SRC) $(CHECKER_SRC) | fonts
	@if [ -f scripts/make_samples.py ]; then \
	  rm -rf $(SAMPLES).tmp && $(PY) scripts/make_samples.py --out $(SAMPLES).tmp && rm -rf $(SAMPLES) && mv $(SAMPLES).tmp $(SAMPLES); \
	else echo "note: scripts/make_samples.py not present yet: the site ships without samples"; mkdir -p $(SAMPLES); fi
	@touch $@

# --- Site ----------------------------------------------------------------------------------
# TRUST_DIR=/path/to/roots: extra root certificates (PEM or DER) the site trusts for every
# reader (scripts/trust_hook.py).  The stamp holds the directory and a hash of its files, and is
# rewritten only when they change: a new, changed or dropped TRUST_DIR rebuilds the site.
TRUST_DIR   ?=
STAMP_TRUST := $(CACHE)/trust-dir.stamp

.PHONY: FORCE
$(STAMP_TRUST): FORCE
	@mkdir -p $(CACHE); \
	want="$(if $(strip $(TRUST_DIR)),$(abspath $(TRUST_DIR)) $$(cd "$(TRUST_DIR)" && find . -maxdepth 1 -type f ! -name '.*' -print0 | sort -z | xargs -0r sha256sum | sha256sum),none)"; \
	if [ "$$(cat $@ 2>/dev/null)" != "$$want" ]; then echo "$$want" > $@; fi

build: $(SITE)/index.html

$(SITE)/index.html: $(STAMP_VENV) $(RUNTIME)/pyodide/pyodide-lock.json $(SAMPLES)/.stamp $(DOCS_SRC) $(STAMP_TRUST)
	CHECKER_TRUST_DIR="$(TRUST_DIR)" $(PY) -m mkdocs build --clean --site-dir $(SITE)
	@touch $@

serve: build
	@echo "serving $(SITE)/ at http://$(HOST):$(PORT)/  (Ctrl-C stops)"
	$(PY) scripts/serve.py --bind $(HOST) --port $(PORT) $(SITE)

dist: build
	@mkdir -p dist
	tar -czf dist/cq-cert-check-site-$$(date -u +%Y%m%d).tar.gz -C $(SITE) .
	@ls -l dist/cq-cert-check-site-$$(date -u +%Y%m%d).tar.gz

# --- Tests ---------------------------------------------------------------------------------
chromium:
	@if ! [ -x $(CHROMIUM) ]; then \
	  echo "installing Debian chromium (needed by the browser tests)"; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium; fi

# poppler-utils: pdftotext/pdftoppm read the checker page's printed report back (browser tests),
# pdfsig is the benchmark's reference.
poppler:
	@if ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdfsig >/dev/null 2>&1; then \
	  echo "installing Debian poppler-utils (pdftotext, pdftoppm, pdfsig)"; \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y poppler-utils; fi

# Static checks (settings in pyproject.toml); `make test` runs them before the tests.
lint: $(STAMP_VENV)
	$(PY) -m ruff check checker scripts
	$(PY) -m mypy

test: lint $(STAMP_VENV) chromium poppler build
	$(PY) -m pytest $(PYTEST_ARGS)

test-unit: $(STAMP_VENV) fonts
	$(PY) -m pytest -m 'not browser' $(PYTEST_ARGS)

# --- Benchmarks and long fuzzing (not part of `make test`; see BENCHMARKS.md) --------------------
FUZZ_MINUTES ?= 10
bench: $(STAMP_VENV) chromium poppler build
	$(PY) scripts/bench.py $(BENCH_ARGS)

fuzz: $(STAMP_VENV)
	$(PY) scripts/fuzz.py --minutes $(FUZZ_MINUTES)

clean:
	rm -rf $(SITE) dist build

distclean: clean
	rm -rf $(CACHE) $(VENV)
