# jichi — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PG_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

.PHONY: run test test-postgres lint format migrate bench fuzz fuzz-deep examples constraints clean install

install: $(STAMP)

# Reinstalled whenever the project's dependencies or their pins change.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m deploy.local.run

# The whole suite on the embedded SQLite; set TEST_DATABASE_URL to run it on PostgreSQL.
test: $(STAMP)
	$(BIN)/python -m pytest

test-postgres: $(STAMP)
	TEST_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(STAMP)
	for service in gateway registry elections funds revitalization; do \
		$(BIN)/python -m services.$$service migrate || exit 1; done

bench: $(STAMP)
	$(BIN)/python -m tests.bench.run

fuzz: $(STAMP)
	$(BIN)/python -m tests.contract.fuzz

# Not in CI: many more examples, with lone surrogates, full-width digits, dates at the calendar's
# ends and ids past their columns swapped into the generated requests.
FUZZ_DEEP_EXAMPLES ?= 200
fuzz-deep: $(STAMP)
	SCHEMATHESIS_HOOKS=tests.contract.edge_cases FUZZ_MAX_EXAMPLES=$(FUZZ_DEEP_EXAMPLES) \
		$(BIN)/python -m tests.contract.fuzz

# Re-take the OpenAPI documents' examples from what the whole suite sends and receives
# (tests/contract/examples.py); tests/contract/test_documents.py checks them against the schemas.
examples: $(STAMP)
	mkdir -p var
	JICHI_RECORD_EXCHANGES=var/exchanges.json $(BIN)/python -m pytest -q
	$(BIN)/python -m tests.contract.examples var/exchanges.json

# Re-pin every dependency to what is installed now (run after changing pyproject.toml).
constraints: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
