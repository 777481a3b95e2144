# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := admin_app

.PHONY: run serve test test-fast lint translations messages lock clean

$(BIN)/flask: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# Our catalog, plus Flask-Admin's own ja catalog recompiled from its .po (its shipped .mo
# lacks a few messages, e.g. "Failed to create record.").
translations: $(BIN)/flask
	$(BIN)/pybabel compile --statistics -D messages -d admin_app/translations
	$(BIN)/pybabel compile -D admin -l ja -o admin_app/translations/ja/LC_MESSAGES/admin.mo \
	  -i "$$($(BIN)/python -c 'import flask_admin, os; print(os.path.dirname(flask_admin.__file__))')/translations/ja/LC_MESSAGES/admin.po"

run: $(BIN)/flask translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo-data --if-empty
	$(BIN)/flask demo-logins
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# Production (README "Production"): APP_ENV=production with SECRET_KEY, AUDIT_CHAIN_KEY,
# DATABASE_URL (PostgreSQL) and REDIS_URL set; run `flask db upgrade` first, as a step of its own.
serve: $(BIN)/flask translations
	APP_ENV=production PORT=$(PORT) $(BIN)/gunicorn -c python:admin_app.gunicorn_config 'admin_app:create_app()'

test: $(BIN)/flask translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The inner loop: no Chromium, no gunicorn workers or bench-sized walks (`make test` runs all).
test-fast: $(BIN)/flask translations
	$(BIN)/python -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

lint: $(BIN)/flask
	$(BIN)/ruff check admin_app models views tests bench
	$(BIN)/ruff format --check admin_app models views tests bench

# Regenerate the pinned versions after changing pyproject.toml.
lock:
	rm -rf /tmp/lock-venv && $(PYTHON) -m venv /tmp/lock-venv
	/tmp/lock-venv/bin/pip install --quiet '.[test,bench]'
	/tmp/lock-venv/bin/pip freeze --exclude facility-backoffice > constraints.txt

clean:
	rm -rf $(VENV) instance test-artifacts

# Re-extract translatable strings and merge them into the Japanese catalog.
messages: $(BIN)/flask
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o /tmp/messages.pot .
	$(BIN)/pybabel update -i /tmp/messages.pot -d admin_app/translations --no-wrap --no-fuzzy-matching
