# callwarden: the two commands are `make run` and `make test` (`make demo` serves demo data).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo test lint typecheck pytest clean

INSTALL_LOG := $(VENV)/install.log

# pip's output goes to a log, so the first run's administrator password is not lost in it.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "callwarden needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing callwarden and its tools into $(VENV) (log: $(INSTALL_LOG))"
	@{ $(BIN)/python -m pip install --quiet --upgrade pip \
	  && $(BIN)/python -m pip install --quiet -e '.[dev]'; } >$(INSTALL_LOG) 2>&1 \
	  || { tail -n 40 $(INSTALL_LOG); echo "install failed; the whole log is $(INSTALL_LOG)"; exit 1; }
	@touch $(STAMP)

## Initialise on first use (data in ./var or $$CALLWARDEN_DATA_DIR) and serve on 127.0.0.1:8000;
## refused with one line while a server already runs on that data directory or port.
run: $(STAMP)
	@$(BIN)/callwarden serve --init

DEMO_DIR ?= var/demo

## Fill $(DEMO_DIR) with a synthetic month on first use (the sign-ins are printed once, then),
## and serve it on 127.0.0.1:8000. A fill that stopped part-way is not served: the demo command
## then says the directory is not empty, and what to do.
demo: $(STAMP)
	@test -f $(DEMO_DIR)/.demo-filled || { CALLWARDEN_DATA_DIR=$(DEMO_DIR) $(BIN)/callwarden demo \
	  && touch $(DEMO_DIR)/.demo-filled; }
	@CALLWARDEN_DATA_DIR=$(DEMO_DIR) $(BIN)/callwarden serve

## Lint, type-check and run the whole suite (PostgreSQL and S3 tests start their own servers).
test: $(STAMP) lint typecheck pytest

## Style, formatting, and the import contracts in pyproject.toml (dependencies point down).
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
