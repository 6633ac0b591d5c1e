# Wasstraat: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
STAMP := $(VENV)/.installed
TRANSLATIONS := wasstraat/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
PRISM_VERSION := 5.16.0
PRISM := $(VENV)/prism/node_modules/.bin/prism

.PHONY: run test test-sqlite test-postgres lint lint-api check audit bench profile mutation translations extract-messages clean image

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

translations: $(MO_FILES)

## run: install, migrate, load demo data once, serve on http://127.0.0.1:5000
run: $(STAMP) translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) jobs periodic
	@echo
	@echo "Wasstraat draait op http://127.0.0.1:5000"
	@echo "Demo-logins (wachtwoord: wasstraat-demo):"
	@echo "  admin@demo.wasstraat.nl, project_leader@demo.wasstraat.nl, process_owner@demo.wasstraat.nl,"
	@echo "  sponsor@, process_advisor@, journey_coach@, subject_expert@, team_manager@,"
	@echo "  privacy_officer@, ciso@, it_specialist@, legal@, app_manager@, communication@,"
	@echo "  archivist@demo.wasstraat.nl (archivaris: bewaartermijnen en vernietiging)"
	@echo "admin@ stelt bij de eerste keer inloggen een authenticator-app in (tweestapsverificatie);"
	@echo "zonder telefoon proberen: WASSTRAAT_MFA_REQUIRED=nobody make run"
	@echo "E-mail gaat niet echt weg: admin@ leest ze onder Beheer > Uitgaande e-mail (instance/outbox);"
	@echo "herinneringen en overzichten: .venv/bin/flask --app app jobs periodic"
	@echo
	$(FLASK) run --host 127.0.0.1 --port 5000

## test: the whole suite on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set
## (one worker per CPU; on PostgreSQL each worker has its own schema)
test: $(STAMP) translations lint lint-api $(PRISM)
	$(BIN)/pytest -q -n auto
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL =="; \
		WASSTRAAT_TEST_BACKEND=postgresql $(BIN)/pytest -q -n auto; \
	fi

## image: build the container image from Debian's packages and run it as deployed (as root;
## deploy/container/build.sh); CI runs it after the tests
image:
	deploy/container/build.sh

## bench: speed targets (pages under gunicorn on 1,000 projects, the Word documents, a
## 1,000,000-event log); not in `make test`
bench: $(STAMP) translations
	$(BIN)/python bench/bench_pages.py
	$(BIN)/python bench/bench_documents.py
	$(BIN)/python bench/bench_eventlog.py
	@if [ -n "$$DATABASE_URL" ]; then $(BIN)/python bench/bench_scale.py; fi

## mutation: mutation testing of the rule modules, each against its own tests; reports the
## kill rate per module and lists the survivors (minutes per module; not in `make test`).
## One module: `make mutation MODULES=wasstraat/duties.py`
mutation: $(STAMP) translations
	$(BIN)/python bench/mutation.py $(MODULES)

## profile: where one page spends its time, e.g. `make profile PAGE=/projects/1/plan`
## (on the `make run` database; AS=email, PASSWORD=..., N=requests)
profile: $(STAMP) translations
	$(BIN)/python bench/profile_page.py

lint: $(STAMP)
	$(BIN)/ruff check wasstraat tests bench app.py
	$(BIN)/bandit -q -r wasstraat
	$(BIN)/lint-imports --no-cache

# The API's OpenAPI document against the Dutch API Design Rules (Logius's Spectral ruleset,
# kept beside the API with its source). Spectral comes from the npm registry, into the venv.
SPECTRAL_VERSION := 6.16.3
SPECTRAL := $(VENV)/spectral/node_modules/.bin/spectral
RULESET := wasstraat/api/nl-api-design-rules.spectral.yaml

$(SPECTRAL): | $(BIN)/python
	npm install --silent --no-audit --no-fund --prefix $(VENV)/spectral \
		@stoplight/spectral-cli@$(SPECTRAL_VERSION)

## lint-api: lint the generated OpenAPI document with the API Design Rules (errors fail)
lint-api: $(STAMP) translations $(SPECTRAL)
	@mkdir -p $(VENV)/spectral
	WASSTRAAT_MFA_REQUIRED=admins $(FLASK) openapi write --format=json $(VENV)/spectral/openapi.json
	$(SPECTRAL) lint --quiet --fail-severity=error -r $(RULESET) $(VENV)/spectral/openapi.json

# Open Zaak's APIs in the tests (tests/zgw_mock.py): Prism serves their published OpenAPI
# documents in validating mode. From the npm registry, into the venv, like Spectral.
$(PRISM): | $(BIN)/python
	npm install --silent --no-audit --no-fund --prefix $(VENV)/prism \
		@stoplight/prism-cli@$(PRISM_VERSION)

## audit: known vulnerabilities in the installed packages (needs the PyPI vulnerability API)
audit: $(STAMP)
	$(BIN)/pip-audit --skip-editable --strict

check: test audit

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
