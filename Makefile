# Two commands do everything on a fresh machine:
#   make run   — set up .venv and build the Staat van VTH from the bundled sample data
#   make test  — set up .venv and run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RAW    ?= data/raw
OUT    ?= publicatie
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export BROWSER_PATH ?= /usr/bin/chromium

.PHONY: install run test fuzz lint dev portaal sample-data check-publication bench bench-ingest docs clean

$(STAMP): pyproject.toml constraints.txt $(wildcard scripts/install-*.sh)
	@command -v $(PYTHON) >/dev/null || (echo "Python 3.11 is nodig ($(PYTHON) niet gevonden)"; exit 1)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	bash scripts/install-browser.sh
	bash scripts/install-postgres.sh
	bash scripts/install-office.sh
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the pinned dependencies

run: install ## Build the publication of every year under data/raw
	$(BIN)/vth build --raw-dir $(RAW) --out $(OUT)

test: install ## Run the test suite
	$(BIN)/python -m pytest -q

fuzz: install ## The structure fuzzer with many examples (the suite runs a few); FUZZ_EXAMPLES=n
	VTH_FUZZ_EXAMPLES=$(or $(FUZZ_EXAMPLES),300) $(BIN)/python -m pytest -q tests/test_fuzz_structure.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

dev: install ## The Dagster UI on http://localhost:3000 (Dagster 1.13's `dg dev`)
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/dg dev

portaal: install ## The partners' delivery portal on http://127.0.0.1:8080 (docs/portaal.md)
	$(BIN)/vth portaal --host 127.0.0.1 --port 8080

sample-data: install ## Regenerate the committed sample deliveries
	$(BIN)/vth sample-data --out $(RAW) --years 2021 2022 2023 2024 --scale 0.05

bench: install ## Five national years: vth build, vth check and a re-delivery beside the floor
	$(BIN)/python benchmarks/bench_national.py --cache build/bench

bench-ingest: install ## Ingest of one generated year against a bare DuckDB read_csv
	$(BIN)/python benchmarks/bench_ingest.py --scale 1.0 --years 2023

docs: install ## Regenerate docs/aanlevering.md from the contract declarations
	$(BIN)/vth docs

check-publication: ## Check the built years against the output contract
	for y in $(OUT)/20*/; do $(BIN)/python ../shared/tools/check_publication.py $$y || exit 1; done

clean:
	rm -rf $(OUT) data/warehouse
