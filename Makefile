# Each target sets up .venv from nothing when it is missing, so a fresh clone needs only `make demo`
# or `make test`. durable-rules compiles from source: gcc and the Python headers must be present.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint bench docs serve clean fuzz

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,distributed]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

# The guards first (style, the layer contract, types), then the tests; any failure stops the run.
test: $(STAMP)
	$(BIN)/ruff check contract tests scripts
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest

# The fuzz harness (tests/test_fuzz.py) on a long random budget; `make test` runs it on a small fixed one.
FUZZ_EXAMPLES ?= 500
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q tests/test_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check contract tests scripts
	$(BIN)/lint-imports
	$(BIN)/mypy

# make bench BENCH_ARGS="--quick" (real files only), or "--scale 2 --json out/bench.json"
bench: $(STAMP)
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

docs: $(STAMP)
	$(BIN)/contract docs build

serve: docs
	$(BIN)/mkdocs serve

clean:
	rm -rf $(VENV) site out dist .pytest_cache .hypothesis .mypy_cache
