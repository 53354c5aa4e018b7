# Two commands do everything on a machine with Python 3.11 and make:
#   make demo   installs sla and runs it on the shipped rules and example contracts
#   make check  installs what the tests need and runs the whole suite (lint, types, tests)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install system-deps browser-deps compile demo serve screenshots test check lint format typecheck bench clean messages

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# Debian packages WeasyPrint (PDF output) needs: Pango, HarfBuzz subsetting and a font.
SYSTEM_DEPS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

system-deps: ## Install the system libraries for PDF output (Debian, as root) when missing
	@missing=$$(for p in $(SYSTEM_DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	  | grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $$missing; \
	else \
	  echo "PDF output needs: $$missing (e.g. sudo apt-get install $$missing)" >&2; \
	fi

$(STAMP): pyproject.toml constraints.txt | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,dev]' --config-settings editable_mode=compat
	touch $(STAMP)

# Byte-compile the project's own modules: pip does it for installed packages, but an editable
# install leaves engine/ as source, and with PYTHONDONTWRITEBYTECODE set every `sla` call would
# compile it again (a good part of a second on a small machine).
compile: $(STAMP)
	@$(BIN)/python -m compileall -q engine cli.py

install: $(STAMP) ## Create .venv and install sla with pinned versions

demo: $(STAMP) compile ## Run sla on the shipped rules, contracts and examples (documents in out/)
	$(BIN)/sla validate
	$(BIN)/sla show contracts/bakkerij-de-vries.yaml --explain
	mkdir -p out
	$(BIN)/sla deadline contracts/advocatenkantoor-meijer.yaml --priority 2 \
	  --reported 2026-11-27T18:00 --first-response 2026-11-27T19:10
	$(BIN)/sla quote contracts/jansen-installatietechniek.yaml \
	  --incident examples/incidents/evening-printer-jansen.yaml
	$(BIN)/sla hours examples/ledgers/jansen-strippenkaart.yaml
	$(BIN)/sla term contracts/bakkerij-de-vries.yaml --on 2026-11-26
	$(BIN)/sla evaluate contracts/advocatenkantoor-meijer.yaml examples/exports/november.csv \
	  --as-of 2026-12-01T09:00 -o out/compliance-meijer.html
	$(BIN)/sla render contracts/bakkerij-de-vries.yaml --doc annex --format pdf \
	  -o out/annex-bakkerij-de-vries.pdf
	$(BIN)/sla render contracts/jansen-installatietechniek.yaml --doc quote --format pdf \
	  --incident examples/incidents/virus-cleanup-jansen.yaml -o out/quote-jansen.pdf

test: $(STAMP) ## Run the whole test suite
	$(BIN)/python -m pytest -n 2 || [ $$? -eq 5 ]

lint: $(STAMP) ## ruff and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## Reformat the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP) ## mypy, strict on engine/
	$(BIN)/mypy

# The browser tests drive Debian's chromium through Playwright (never a browser of its own).
browser-deps: ## Install Debian's chromium for the browser tests (as root) when missing
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends chromium; \
	else \
	  echo "the browser tests need chromium (e.g. sudo apt-get install chromium); skipping them" >&2; \
	fi

serve: $(STAMP) compile ## Start the configurator and API on the shipped contracts (127.0.0.1:8000)
	$(BIN)/sla serve --contracts contracts

screenshots: $(STAMP) browser-deps ## Retake the web pages' screenshots into docs/screenshots/
	SLA_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -p no:xdist tests/browser

check: browser-deps lint typecheck test ## Everything CI checks
	$(BIN)/sla validate

messages: $(STAMP) ## Re-extract the messages into engine/locale/ (lists untranslated Dutch ones)
	$(BIN)/python -m engine.catalogue

bench: $(STAMP) compile ## Run the benchmarks of bench/
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[bench]'
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
