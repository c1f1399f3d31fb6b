# Quick start:  make demo   (set up, analyse the bundled seed article)
#               make test   (set up, lint, type-check, run the whole test suite)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint eval clean

$(BIN)/marsad: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

demo: $(BIN)/marsad
	$(BIN)/marsad analyze examples/aawsat-soleimani-2017.txt --format pretty

lint: $(BIN)/marsad
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

eval: $(BIN)/marsad
	$(BIN)/marsad eval ../shared/gold/seed.gold.json ../shared/gold/dev

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Store, API and UI: set up, ingest the bundled sample into marsad.db, serve the UI
DB ?= marsad.db
PORT ?= 8000
.PHONY: serve
$(VENV)/.server: $(BIN)/marsad
	$(BIN)/pip install -q -e '.[server]'
	touch $@

serve: $(VENV)/.server
	$(BIN)/marsad ingest examples/sample --db $(DB)
	$(BIN)/marsad serve --db $(DB) --port $(PORT)
