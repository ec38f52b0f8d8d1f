# The entry point for people. Every target installs what it needs first.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# SITE_URL's default follows it (links in emails): kpplatform/settings.py.
export PORT

.PHONY: help install install-dev install-embeddings run web worker test test-fast lint format bench vendor messages clean audit soak

help:
	@echo "make run     install, migrate, load demo data, serve on http://127.0.0.1:$(PORT) with a worker"
	@echo "make test    install dev requirements, run ruff and the whole pytest suite"
	@echo "make lint    ruff check, format check and the import contracts (.importlinter)"
	@echo "make bench   benchmarks under bench/ (PostgreSQL DATABASE_URL, REDIS_URL; BENCH=bench_pages for one)"
	@echo "make soak    10 minutes of mixed load on gunicorn + worker (PostgreSQL DATABASE_URL; SOAK_SECONDS)"
	@echo "make vendor  refresh Bootstrap, htmx and Chart.js from npm into static/vendor"
	@echo "make messages  update and compile the zh-hans catalogue"

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Optional: sentence embeddings for automatic grading (CPU torch, about 1 GB installed).
install-embeddings: install
	$(PIP) install -q -r requirements-embeddings.txt

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_schedules
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py run_embedded --port $(PORT)

web: install
	$(PY) manage.py runserver $(PORT)

worker: install
	$(VENV)/bin/celery -A kpplatform worker -B --loglevel=INFO --scheduler django_celery_beat.schedulers:DatabaseScheduler

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# pytest exits 5 when it collected no test: that is a failure, not a pass.
test: install-dev lint
	$(VENV)/bin/pytest --ds=kpplatform.settings_test $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

test-fast: install-dev
	$(VENV)/bin/pytest --ds=kpplatform.settings_test -x -q -m "not browser" $(PYTEST_ARGS)

audit: install-dev
	$(PY) scripts/audit.py

bench: install-dev
	$(PY) bench/run.py $(BENCH)

# Mixed load (browse, enrol, buy, post, vote, quiz) against gunicorn and a
# worker on a scratch database (DATABASE_URL's name + _soak) and a private
# redis-server: no 5xx, money and points reconcile, RSS grows < 20 %.
soak: install-dev
	$(PY) -m tests.reliability.soak

vendor:
	npm install --no-audit --no-fund --silent
	$(PYTHON) scripts/vendor_assets.py

messages: install-dev
	cd $(CURDIR) && $(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests --ignore=bench
	$(PY) manage.py makemessages -d djangojs -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=var --ignore=static/vendor
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
