# jichi — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PG_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

.PHONY: run test test-postgres lint format migrate bench fuzz fuzz-deep examples clients clients-tools \
	openapi-lint constraints clean install

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

# Clients generated from the running platform's OpenAPI documents (Python, TypeScript, Java) build
# with zero warnings and run a real flow; spectral and redocly lint every document.
# Everything generated stays in a temporary folder (tests/clients/run.py).
clients: clients-tools
	$(BIN)/python -m tests.clients.run

openapi-lint: clients-tools
	$(BIN)/python -m tests.clients.run lint

# The tools, pinned: the generators in constraints.txt (make install), the npm ones in
# tests/clients/typescript/package-lock.json, the Java client's libraries from Debian.
CLIENT_NODE_MODULES := tests/clients/typescript/node_modules/.package-lock.json
JAVA_CLIENT_DEBS    := libhttpmime-java libjakarta-annotation-api-java

clients-tools: $(STAMP) $(CLIENT_NODE_MODULES)
	@dpkg -s $(JAVA_CLIENT_DEBS) >/dev/null 2>&1 || { apt-get update -qq && \
		apt-get install -y -qq --no-install-recommends $(JAVA_CLIENT_DEBS); }
	@command -v javac >/dev/null || { apt-get update -qq && \
		apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless; }

$(CLIENT_NODE_MODULES): tests/clients/typescript/package-lock.json
	cd tests/clients/typescript && npm ci --no-audit --no-fund --loglevel=error

# Re-pin every dependency to what is installed now (run after changing pyproject.toml).
constraints: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
