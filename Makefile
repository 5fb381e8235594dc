# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= demo-output
STAMP := $(VENV)/.installed

.PHONY: demo test lint format bench fuzz clean venv validators typecheck

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "make: Python 3.11 not found"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,spark]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/selfeval demo --out $(OUT)

# DfE's validators in their own environment (pandas<2), created once under ~/.cache/selfeval.
validators: $(STAMP)
	$(BIN)/python -c 'from selfeval.validation.environment import python; print(python())'

# The suite in TEST_WORKERS processes (pytest-xdist), each test file kept whole in one of them
# so that a module's fixtures are built once, the slowest files first (tests/conftest.py);
# TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= 2

test: $(STAMP) validators
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# Strict on src/selfeval, every module; the settings are in pyproject.toml.
typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

# The report is printed even when a test fails (an unhandled exception), then make fails.
fuzz: $(STAMP)
	SELFEVAL_FUZZ_EXAMPLES=$${SELFEVAL_FUZZ_EXAMPLES:-10000} SELFEVAL_FUZZ_REPORT=$(CURDIR)/fuzz-report.json \
		$(BIN)/pytest tests/test_fuzz.py -q -p no:cacheprovider; rc=$$?; \
	$(BIN)/python scripts/fuzz_report.py fuzz-report.json && exit $$rc

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache build *.egg-info
