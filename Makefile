# One entry point for set-up, tests and the demo. Every target creates .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint venv clean docs tools

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .

docs: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

# System tools some tests need (redis-server, chromium): installed when missing.
tools:
	bash scripts/ensure-test-tools.sh

# coverage run (not pytest-cov) so that modules imported while pytest reads its
# configuration are measured too.
test: $(STAMP) lint tools
	$(BIN)/python -m coverage run -m pytest -q
	$(BIN)/python -m coverage report --skip-covered

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage docs/_build
