# The README's two commands: `make run` (ingest if needed, open the app) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test ingest lint bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

ingest: $(STAMP)
	$(BIN)/kb ingest

run: ingest
	$(BIN)/streamlit run app/Home.py --server.address $${KB_APP_HOST:-127.0.0.1} --server.port $${KB_APP_PORT:-8501} --browser.gatherUsageStats false

test: $(STAMP)
	$(BIN)/ruff check kb ingest app evals tests benchmarks
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff format kb ingest app evals tests benchmarks
	$(BIN)/ruff check --fix kb ingest app evals tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest_query.py

clean:
	rm -rf .kb
