# Koepel: `make run` serves the demo, `make test` passes the whole suite. Nothing else needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KOEPEL := $(BIN)/koepel
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements/constraints.txt | cksum | cut -d' ' -f1)

# Variables `check --deploy` needs to see production settings; none of them is a real secret.
DEPLOY_ENV := DEBUG=false KOEPEL_HTTPS=true ALLOWED_HOSTS=koepel.example.nl \
	SECRET_KEY=deploy-check-$(shell printf '%064d' 0 | tr 0 x)

.PHONY: run test lint install messages clean

$(STAMP): pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

run: install
	$(KOEPEL) migrate --no-input
	$(KOEPEL) demo --if-empty
	@# The published 2021 report is not ours to ship: imported when you have a copy, found through
	@# KOEPEL_REPORT_2021 or its default (src/koepel/core/published_report.py).
	@report=$$($(BIN)/python -m koepel.core.published_report); \
	if [ -n "$$report" ]; then $(KOEPEL) import-document "$$report" --if-new \
		--kind jaarverslag --year 2021 --title "Jaarverslag 2021"; fi
	$(KOEPEL) office-account
	$(KOEPEL) serve

lint: install
	$(BIN)/ruff check src
	$(BIN)/ruff format --check src
	$(BIN)/mypy src/koepel
	$(BIN)/bandit -c pyproject.toml -r src/koepel -q
	KOEPEL_DATA_DIR=$$(mktemp -d) $(KOEPEL) makemigrations --check --dry-run
	KOEPEL_DATA_DIR=$$(mktemp -d) $(DEPLOY_ENV) $(KOEPEL) check --deploy --fail-level WARNING

# SQLite always; PostgreSQL as well when DATABASE_URL names one. The browser tests run once, in
# the SQLite pass: the Koepel they start keeps its own SQLite database whatever DATABASE_URL
# says. The two passes share nothing but the checkout, so they run side by side, one per core;
# the PostgreSQL pass's report follows the SQLite one's. The data folder's secret key is made
# first, so that the two passes do not both make it.
# The test suite's JavaScript parts (package.json's devDependencies: the OpenID provider the
# tests of signing in through one start on the loopback), as the lock file pins them; no
# install scripts run.
test: lint
	npm ci --ignore-scripts --no-audit --no-fund
	$(BIN)/python -c "import koepel.settings"
	@if [ -z "$$DATABASE_URL" ]; then \
		$(BIN)/pytest -q -p no:cacheprovider; \
	else \
		log=$$(mktemp); \
		$(BIN)/pytest -q -p no:cacheprovider -m "not browser" > "$$log" 2>&1 & postgres=$$!; \
		echo "--- SQLite (PostgreSQL runs beside it: $$DATABASE_URL)"; \
		env -u DATABASE_URL $(BIN)/pytest -q -p no:cacheprovider; sqlite=$$?; \
		wait $$postgres; pg=$$?; \
		echo "--- PostgreSQL: $$DATABASE_URL"; cat "$$log"; rm -f "$$log"; \
		test $$sqlite -eq 0 && test $$pg -eq 0; \
	fi

# Run from the app folder (so makemessages finds only Koepel's strings), with the data folder
# kept where every other command keeps it.
messages: install
	cd src/koepel && KOEPEL_DATA_DIR=$(CURDIR)/var ../../$(KOEPEL) makemessages -l nl -l en \
		--no-obsolete --no-location
	cd src/koepel && KOEPEL_DATA_DIR=$(CURDIR)/var ../../$(KOEPEL) compilemessages

clean:
	rm -rf $(VENV) var node_modules
