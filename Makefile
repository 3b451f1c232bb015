# Two commands do everything from a fresh clone:
#   make          set up .venv and build every leaflet into output/
#   make test     set up .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all build test check clean system-deps

all: build

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian packages the tests use (poppler for pdftotext). Installed only when missing.
system-deps:
	@command -v pdftotext >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; \
	  else echo "please install poppler-utils (pdftotext)"; exit 1; fi; }

build: $(STAMP)
	$(BIN)/leaflets build

check: $(STAMP)
	$(BIN)/leaflets check

test: $(STAMP) system-deps
	$(BIN)/pytest

clean:
	rm -rf output $(VENV)
