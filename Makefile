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

.PHONY: run test test-sqlite test-postgres lint check audit bench profile translations extract-messages clean

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
	@echo "  privacy_officer@, ciso@, it_specialist@, legal@, app_manager@, communication@demo.wasstraat.nl"
	@echo "admin@ stelt bij de eerste keer inloggen een authenticator-app in (tweestapsverificatie);"
	@echo "zonder telefoon proberen: WASSTRAAT_MFA_REQUIRED=nobody make run"
	@echo "E-mail gaat niet echt weg: admin@ leest ze onder Beheer > Uitgaande e-mail (instance/outbox);"
	@echo "herinneringen en overzichten: .venv/bin/flask --app app jobs periodic"
	@echo
	$(FLASK) run --host 127.0.0.1 --port 5000

## test: the whole suite on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set
## (one worker per CPU; on PostgreSQL each worker has its own schema)
test: $(STAMP) translations lint
	$(BIN)/pytest -q -n auto
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL =="; \
		WASSTRAAT_TEST_BACKEND=postgresql $(BIN)/pytest -q -n auto; \
	fi

## bench: speed targets (pages under gunicorn on 1,000 projects, the Word documents); not in `make test`
bench: $(STAMP) translations
	$(BIN)/python bench/bench_pages.py
	$(BIN)/python bench/bench_documents.py

## profile: where one page spends its time, e.g. `make profile PAGE=/projects/1/plan`
## (on the `make run` database; AS=email, PASSWORD=..., N=requests)
profile: $(STAMP) translations
	$(BIN)/python bench/profile_page.py

lint: $(STAMP)
	$(BIN)/ruff check wasstraat tests bench app.py
	$(BIN)/bandit -q -r wasstraat

## audit: known vulnerabilities in the installed packages (needs the PyPI vulnerability API)
audit: $(STAMP)
	$(BIN)/pip-audit --skip-editable --strict

check: test audit

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
