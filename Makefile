# Set-up is idempotent: .venv is (re)built only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint typecheck unit bench sample-chart clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/aiops demo

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy app tools

unit: setup
	$(BIN)/pytest

test: lint typecheck unit

bench: setup
	$(BIN)/python bench/run.py

sample-chart: setup
	$(BIN)/python docs/sample_chart.py

clean:
	rm -rf $(VENV) .aiops-state .pytest_cache .mypy_cache .ruff_cache
