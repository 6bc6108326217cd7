# Every target creates .venv on first use, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Programs the tests drive, from Debian's packages (the README tour uses curl and jq; the shared
# store's tests run a real redis-server). Installed only when missing; needs root, as in CI.
DEBIAN_TOOLS := redis-server curl jq

.PHONY: run test fuzz lint format clean tools

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m mockserver --host 127.0.0.1 --port 8080

tools:
	@missing=""; for tool in $(DEBIAN_TOOLS); do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then echo "installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

test: $(STAMP) tools
	$(BIN)/python -m pytest

fuzz: $(STAMP)
	$(BIN)/python -m pytest tests/test_openapi_conformance.py tests/test_properties.py \
	  --hypothesis-profile=fuzz --hypothesis-show-statistics -q -s

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/actionlint

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
