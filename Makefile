# twincity — two commands for a newcomer: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# A Python 3.12+ interpreter: PYTHON=... overrides; otherwise the first suitable one on PATH or under pyenv.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -r); do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
VENDOR := build/vendor

.PHONY: help setup assets demo test lint format serve bench load clean

help:
	@echo "make demo   set up and serve the Tianfu–Liangjiang demo at http://127.0.0.1:$(PORT)"
	@echo "make test   set up and run the whole test suite (DATABASE_URL selects PostgreSQL)"

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (set PYTHON=/path/to/python3.12)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

$(VENDOR)/.built: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap $(VENDOR)/bootstrap-icons $(VENDOR)/echarts $(VENDOR)/tom-select
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map $(VENDOR)/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts $(VENDOR)/bootstrap-icons/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/tom-select/dist/js/tom-select.complete.min.js node_modules/tom-select/dist/js/tom-select.complete.min.js.map \
		node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css.map $(VENDOR)/tom-select/
	@touch $@

setup: $(BIN)/.installed $(VENDOR)/.built

assets: $(VENDOR)/.built

# The demo is served as production is (DEBUG off: an outsider sees the branded error pages, never Django's debug
# page listing every address), over plain HTTP on this machine; `DEBUG=1 make demo` for development.
DEMO_ENV = TWINCITY_DEBUG=$(if $(DEBUG),1,0) TWINCITY_SSL_REDIRECT=0 TWINCITY_SECURE_COOKIES=0 \
	TWINCITY_SECRET_KEY="$$(cat var/demo-secret)"
demo: setup
	mkdir -p var
	test -s var/demo-secret || $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/demo-secret
	$(DEMO_ENV) $(BIN)/twincity migrate --no-input
	$(DEMO_ENV) $(BIN)/twincity collectstatic --no-input --verbosity 0
	$(DEMO_ENV) $(BIN)/twincity load_demo
	@echo "Serving the demo at http://127.0.0.1:$(PORT) — sign in as office / tf-coord / lj-coord / tf-unit / lj-unit / leader / auditor / outsider"
	@# The background worker delivers notices (e-mail, group robots) and runs long imports and index runs beside the
	@# web server, and stops with it.
	$(DEMO_ENV) $(BIN)/twincity db_worker --no-reload --interval 2 & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/twincity runserver 127.0.0.1:$(PORT)

# Two workers (pytest-xdist; PYTEST_WORKERS=0 runs in one process); each class or module goes whole to one
# worker, so data built once for a class is built once (docs/testing.md).
PYTEST_WORKERS ?= 2
# The schemathesis walk gives every API operation the same test id, which pytest-xdist cannot schedule (it would
# silently run none of them): it runs after the rest, in one process (conftest.py refuses it under -n).
FUZZ := src/twincity/core/tests/test_api_fuzz.py
test: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadscope --ignore=$(FUZZ) $(PYTEST_ARGS)
	$(BIN)/python -m pytest -p no:xdist $(FUZZ)

lint: setup
	$(BIN)/ruff check src bench conftest.py
	$(BIN)/ruff format --check src bench conftest.py
	$(BIN)/lint-imports --no-cache

format: setup
	$(BIN)/ruff format src bench conftest.py
	$(BIN)/ruff check --fix src bench conftest.py

# Issue 9: concurrent clients on a fresh demo; fails if a server error, a lost write or a version going back is seen.
# LOAD_PROFILE=gunicorn-postgres uses DATABASE_URL (a PostgreSQL database whose name contains "load"; recreated).
LOAD_PROFILE ?= sqlite-demo
LOAD_CLIENTS ?= 16
LOAD_SECONDS ?= 180
load: setup
	$(BIN)/python -m bench.load.run --profile $(LOAD_PROFILE) --clients $(LOAD_CLIENTS) --seconds $(LOAD_SECONDS)

messages: setup
	cd src/twincity && ../../$(BIN)/twincity makemessages -l zh_Hans --no-obsolete -i "analytics/*" -i "*/tests/*" && ../../$(BIN)/twincity compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) build node_modules var
