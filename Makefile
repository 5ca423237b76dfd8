# One entry point for set-up, tests and the demo. Every target creates .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint venv clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .

# coverage run (not pytest-cov) so that modules imported while pytest reads its
# configuration are measured too.
test: $(STAMP) lint
	$(BIN)/python -m coverage run -m pytest -q
	$(BIN)/python -m coverage report --skip-covered

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage
