# Every target creates .venv on first use, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Programs the tests drive, from Debian's packages (the README tour uses curl and jq; the shared
# store's tests run a real redis-server; tests/browser/ drives headless chromium). Installed only when
# missing; needs root, as in CI.
DEBIAN_TOOLS := redis-server curl jq chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test fuzz lint format clean tools bench bench-peers bench-adoption dist docs docs-serve

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# `make run PORT=N` serves on N; without PORT the mock's settings choose (MOCKSERVER_PORT, else 8080).
PORT ?=
run: $(STAMP)
	$(BIN)/python -m mockserver --host 127.0.0.1$(if $(PORT), --port $(PORT))

tools:
	@missing=""; for tool in $(DEBIAN_TOOLS); do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then echo "installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; fi

# Two pytest-xdist workers: most of the run waits on the servers and pytest processes tests start,
# so two workers on two cores roughly halve it. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
test: $(STAMP) tools
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

fuzz: $(STAMP)
	$(BIN)/python -m pytest tests/test_openapi_conformance.py tests/test_properties.py \
	  --hypothesis-profile=fuzz --hypothesis-show-statistics -q -s
	$(BIN)/python -m pytest -m soak -q

# `make bench`, `make bench-peers` (bench/README.md): wrk from Debian drives the servers; pyinstrument
# goes into .venv only (no project dependency) to profile a missed target; the peer mocks come from npm
# into bench/.peers/ (gitignored), the JDK and Node.js from Debian when missing.
BENCH_PEERS := oauth2-mock-server@9.3.0 wiremock@3.13.2
# A quick look that leaves the committed results alone: BENCH_ARGS='--rounds 1 --seconds 3 --name quick'
BENCH_ARGS ?=
define bench_debian
	@command -v $(1) >/dev/null || { echo "installing $(2)"; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; }
endef

bench: $(STAMP)
	$(call bench_debian,wrk,wrk)
	$(call bench_debian,valgrind,valgrind)
	@$(BIN)/python -c 'import pyinstrument' 2>/dev/null || $(BIN)/python -m pip install --quiet pyinstrument
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# What `pip install authcontract` costs another project's pytest start (two clean venvs from the index).
bench-adoption: $(STAMP)
	$(BIN)/python -m bench.adoption $(BENCH_ARGS)

bench-peers: $(STAMP)
	$(call bench_debian,wrk,wrk)
	$(call bench_debian,java,openjdk-17-jre-headless)
	$(call bench_debian,npm,nodejs npm)
	@stale=""; for peer in $(BENCH_PEERS); do name=$${peer%@*}; version=$${peer##*@}; \
	  grep -qs "\"version\": \"$$version\"" bench/.peers/node_modules/$$name/package.json || stale=1; done; \
	if [ -n "$$stale" ]; then npm install --prefix bench/.peers --no-audit --no-fund --loglevel=error $(BENCH_PEERS); fi
	$(BIN)/python -m bench.peers $(BENCH_ARGS)

# The release's files: sdist and wheel in dist/, checked by twine, then the wheel installed into a
# clean venv from the package index (tests marked `dist`): the plugin, the extras, `authcontract check`.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/hatchling build -t sdist -t wheel -d dist
	$(BIN)/twine check --strict dist/*
	$(BIN)/python -m pytest -m dist -p no:cacheprovider tests/test_wheel.py

# The documentation site: `make docs` builds it into $(SITE_DIR)/ (--strict: a broken link or anchor
# fails; open site/index.html), `make docs-serve` serves it on 127.0.0.1:8000 as you edit.
SITE_DIR ?= site
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir $(SITE_DIR)

docs-serve: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/actionlint

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache dist site
