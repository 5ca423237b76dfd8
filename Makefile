# One entry point for set-up, tests and the demo. Every target creates .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed

.PHONY: test check lint venv clean docs tools demo bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy flask_oauth_registry

# The fast inner loop: ruff, mypy and the tests not marked slow; pytest arguments via ARGS,
# e.g. make check ARGS="tests/registry -k refresh"
check: lint
	$(BIN)/python -m pytest -q -m "not slow" $(ARGS)

# The dev provider on 127.0.0.1:5556 and the quickstart on http://127.0.0.1:5000/ until Ctrl-C.
# Other ports: make demo DEMO_PORT=5001 DEVPROVIDER_PORT=5557; other examples: make demo DEMO_APP=incremental or DEMO_APP=fapi2
demo: $(STAMP)
	$(BIN)/python -m examples.demo

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

# Speed and memory side by side with Authlib and the bare-requests floor (see benchmarks/README.md).
bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks

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
