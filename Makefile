# Brug: `make run` serves the product with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run prod prod-demo prod-deps test test-fast lint check messages system-deps elasticsearch clean load-benchmark

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[test]"
	touch $(STAMP)

run: $(STAMP)  ## The product on SQLite with demo data at http://127.0.0.1:8000
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) setup_site
	$(MANAGE) load_demo --if-empty
	$(MANAGE) load_demo_activity
	$(MANAGE) ensure_demo_admin
	$(MANAGE) runserver 127.0.0.1:8000

# The production stack on loopback, supervised by honcho (deploy/Procfile): PostgreSQL on 55440,
# three Elasticsearch nodes on 9421-9423, gunicorn on 127.0.0.1:8000 (WEB_CONCURRENCY workers,
# 3), the task worker and the scheduler; data kept in .cache/prod. Ctrl-C stops it all.
# Settings: deploy/loopback.env, then .cache/prod/secret.env (a key made on the first start),
# then an untracked .env.prod of your own. `make prod-demo` loads the demo data first.
PROD_ENV := deploy/loopback.env,.cache/prod/secret.env,.env.prod
prod: $(STAMP) prod-deps
	mkdir -p .cache/prod
	rm -f .cache/prod/released
	test -s .cache/prod/secret.env || $(PY) -c "import secrets; print('DJANGO_SECRET_KEY=' + secrets.token_urlsafe(50))" >.cache/prod/secret.env
	scripts/elasticsearch.sh fetch
	BRUG_PYTHON=$(abspath $(PY)) $(VENV)/bin/honcho -f deploy/Procfile -e $(PROD_ENV) start

prod-demo:
	BRUG_LOAD_DEMO=1 $(MAKE) prod

# Installs those of the Debian packages $(1) that are missing (with apt-get; sudo when not root).
define debian_packages
	@missing=""; \
	for package in $(1); do \
	  case $$package in \
	    postgresql) ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing $$package" ;; \
	    maven) command -v mvn >/dev/null 2>&1 || missing="$$missing $$package" ;; \
	    apache2-utils) command -v ab >/dev/null 2>&1 || missing="$$missing $$package" ;; \
	    *) command -v $$package >/dev/null 2>&1 || missing="$$missing $$package" ;; \
	  esac; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

# Debian packages the production stack needs: PostgreSQL, and what fetches Elasticsearch.
prod-deps:
	$(call debian_packages,postgresql unzip curl maven)

# Debian packages the tests need: the same, and Chromium for the browser tests.
system-deps:
	$(call debian_packages,postgresql chromium unzip curl maven)

# The load benchmark (docs/benchmarks.md): SERVICES synthetic services (100000) on a scratch
# stack of its own under .cache/loadbench, measured with ApacheBench. Not a test.
SERVICES ?= 100000
load-benchmark: $(STAMP)
	$(call debian_packages,unzip curl maven apache2-utils)
	scripts/load-benchmark.sh $(SERVICES)

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

check: $(STAMP)
	DJANGO_SETTINGS_MODULE=website.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=website.settings.test $(MANAGE) makemigrations --check --dry-run --noinput

test-fast: $(STAMP)  ## SQLite only; tests needing Elasticsearch or Chromium are skipped (never in CI)
	BRUG_TEST_ALLOW_SKIP=1 $(PY) -m pytest -p no:cacheprovider

test: system-deps  ## Whole suite: install, lint and checks, SQLite and PostgreSQL side by side, then Chromium
	scripts/test.sh

elasticsearch: ## A local node for trying the Elasticsearch backend (ELASTICSEARCH_URL=http://127.0.0.1:9201)
	scripts/elasticsearch.sh start

messages: $(STAMP)  ## Extract UI strings and compile the catalogues (needs gettext)
	$(MANAGE) makemessages -l nl -l fr -l ar -l en --ignore=.venv --no-obsolete
	$(MANAGE) compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) .cache static_collected
