# Syslead: `make run` serves the demo; `make test` runs every check. Both set everything up.
SHELL := /bin/bash
# The newest Python from 3.11 on, pyenv's included: from 3.12 coverage measures through
# sys.monitoring, which costs the suite about a third of the time the older tracer does.
PYTHON ?= $(shell for p in python3.13 python3.12 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13 $(HOME)/.pyenv/versions/3.12*/bin/python3.12) python3.11 python3; do command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Test processes: one a processor (at least 2). More were tried on two processors: three took
# as long, four longer (docs/testing.md).
WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n > 2 ? n : 2 )))
# Python keeps each module's compiled bytecode (its default; an environment may have turned it off):
# every test process and check otherwise compiles Django, Syslead and the rest afresh, seconds each.
export PYTHONDONTWRITEBYTECODE :=
# Coverage of syslead's own code: measured when COV is set (`.ci/run` sets it for its second
# run of the tests, on PostgreSQL, which prints it and fails below the floor in pyproject.toml).
# `make test` leaves it out: measuring costs the suite a third more time.
COV ?=
# Production-like settings for `check --deploy` (a throwaway key, never used to serve).
DEPLOY_ENV := DEBUG=false SECRET_KEY=check-deploy-$$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')-key-for-checking-only \
	ALLOWED_HOSTS=syslead.example SECURE_SSL_REDIRECT=true SECURE_HSTS_SECONDS=31536000 \
	SECURE_HSTS_INCLUDE_SUBDOMAINS=true SECURE_HSTS_PRELOAD=true

.PHONY: frontend run test install install-dev lint typecheck migrations-check deploy-check pytest browsers demo worker clean smoke backup-check

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/uv pip install --quiet -p $(BIN)/python -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/uv pip install --quiet -p $(BIN)/python -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py load_demo

# The demo signs in with a password alone: SYSLEAD_MFA_REQUIRED=false works only with DEBUG=true.
run: demo
	@echo "Syslead on http://$(HOST):$(PORT)/ with the task worker (Ctrl-C stops both)."
	@echo "Demo mode: SYSLEAD_MFA_REQUIRED=false, so two-factor sign-in is not required of anyone"
	@echo "(it is in production). Set it up from 'Your account' to try it."
	@DEBUG=true $(BIN)/python manage.py demo_logins
	@trap 'kill 0' EXIT INT TERM; \
	DEBUG=true SYSLEAD_MFA_REQUIRED=false $(BIN)/python manage.py db_worker --interval 1 & \
	DEBUG=true SYSLEAD_MFA_REQUIRED=false $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The stylesheet and GOV.UK Frontend's script, rebuilt from frontend/ (needs Node.js and npm). The
# built files are committed under syslead/core/static/core/, so `run` and `test` need no Node.
frontend:
	cd frontend && npm ci --no-audit --no-fund && npm run build

browsers:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: install-dev
	$(BIN)/mypy syslead benchmarks

# The migrations match the models, and run from an empty database (the tests' database is made
# from the models, which is quicker).
migrations-check: install-dev
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	DEBUG=true DATABASE_URL="sqlite:///$$dir/migrate.sqlite3" $(BIN)/python manage.py migrate --noinput -v0 && \
	echo "Every migration runs on an empty database."

deploy-check: install-dev
	$(DEPLOY_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING

pytest: install-dev browsers
	DJANGO_ALLOW_ASYNC_UNSAFE=true COVERAGE_CORE=$$($(BIN)/python -c 'import sys; print("sysmon" if sys.version_info >= (3, 12) else "ctrace")') \
	$(BIN)/pytest -n $(WORKERS) --dist loadfile -q $(COV) $(PYTEST_ARGS)
	@test -z "$(COV)" || echo "Coverage: $$($(BIN)/coverage report --format=total)% of syslead's lines (floor in pyproject.toml)"

# The checks (two at a time, each one's output in one piece) run beside the tests at the lowest
# priority (nice 19): the tests keep the processors, and the checks take the time they leave idle
# (the tests wait on Chromium). Run before the tests instead, they added their own time to the
# whole; run beside them at the same priority, they slowed the tests more (docs/testing.md). Their
# output is printed when both are done, or at once if a check fails: then the tests are stopped.
CHECKS := lint typecheck migrations-check deploy-check
test: install-dev browsers
	@log=$$(mktemp); trap 'rm -f "$$log"' EXIT; \
	setsid nice -n 19 $(MAKE) --no-print-directory -j2 --output-sync=target $(CHECKS) >"$$log" 2>&1 & checks=$$!; \
	setsid $(MAKE) --no-print-directory pytest & tests=$$!; \
	trap 'kill -- -$$checks -$$tests 2>/dev/null; exit 130' INT TERM; \
	wait -n -p first $$checks $$tests; status=$$?; \
	if [ "$$first" = "$$tests" ]; then tests_status=$$status; wait $$checks; checks_status=$$?; \
	elif [ $$status -eq 0 ]; then checks_status=0; wait $$tests; tests_status=$$?; \
	else cat "$$log"; echo "A check failed (above): the tests were stopped."; \
		kill -- -$$tests 2>/dev/null; wait $$tests 2>/dev/null; exit $$status; fi; \
	echo; echo "The checks ($(CHECKS)):"; cat "$$log"; \
	[ $$checks_status -eq 0 ] || echo "A check failed (above)."; \
	[ $$tests_status -eq 0 ] && [ $$checks_status -eq 0 ]

# On PostgreSQL (PG_URL, default postgres://postgres@127.0.0.1:5432), as CI runs them.
smoke: install
	PYTHON=$(BIN)/python scripts/production_smoke.sh

backup-check: install
	PYTHON=$(BIN)/python scripts/backup_restore_check.sh

clean:
	rm -rf $(VENV) var staticfiles
