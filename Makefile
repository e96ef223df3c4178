# Scrutineer: `make run` sets everything up and starts the assistant; `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test install install-test lint samples ingest-samples bench stress clean browser \
	eval-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, pinned to the CPU build: a plain `torch` pulls gigabytes of CUDA packages.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip uninstall --quiet --yes scrutineer 2>/dev/null || true  # the name before 0.1.0's rename
	$(BIN)/pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

ingest-samples: install
	$(BIN)/scrutineer ingest samples/library

run: ingest-samples
	$(BIN)/scrutineer ui

# The browser test drives Debian's Chromium; install it where apt-get can (CI runs as root).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 || \
		echo "Chromium could not be installed here: the browser test will be skipped."

test: install browser
	$(BIN)/ruff check assistant ingest ui eval tests samples scripts bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# Benchmarks (about 25 minutes; needs ../shared): writes bench/results.json and bench/results.md.
bench: install
	$(BIN)/python -m bench

# Quality on every development source (needs ../shared; about 2 minutes, 7 the first time):
# one table per source in eval-runs/dev-<date-time>/dev.md. EVAL_DEV_ARGS=--baselines adds baselines.
eval-dev: install
	$(BIN)/scrutineer eval dev $(EVAL_DEV_ARGS)

# Longer reliability runs (fuzz cases, SIGKILL runs, concurrent load) than `make test` bounds.
stress: install
	SCRUTINEER_FUZZ_CASES=5000 SCRUTINEER_KILL_RUNS=100 SCRUTINEER_LOAD_SECONDS=120 \
		SCRUTINEER_EXEMPT_CASES=5000 $(BIN)/python -m pytest -q tests/test_fuzz.py \
		tests/test_exempt_fuzz.py tests/test_crash_safety.py tests/test_concurrent_access.py \
		tests/test_concurrency.py

lint: install
	$(BIN)/ruff check assistant ingest ui eval tests samples scripts bench
	$(BIN)/mypy

samples: install
	$(BIN)/python -m samples.generate

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
