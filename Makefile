# The two commands of README.md, and the helpers they share.
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: help run test test-fast test-browser lint format bench

help:
	@echo "make run   - serve the app on http://127.0.0.1:$(PORT) (SQLite, in-memory layer, demo account)"
	@echo "make test  - run the whole test suite"

$(PY):
	@python=$$(bin/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)

# PYTHONWARNINGS: setuptools' deprecation notices while it builds the editable install are
# for packagers, not for someone starting the app; -qq keeps pip to its errors (a machine's
# pip.conf may name package indexes that are not there, one warning per package).
PIP := PYTHONWARNINGS=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 $(PY) -m pip

$(VENV)/.installed-run: pyproject.toml | $(PY)
	@echo "Installing the app into $(VENV)"
	@$(PIP) install -qq --upgrade pip
	@$(PIP) install -qq -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	@echo "Installing the app and its test tools into $(VENV)"
	@$(PIP) install -qq --upgrade pip
	@$(PIP) install -qq -e ".[dev]"
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	@$(PY) manage.py migrate --no-input --verbosity 0
	@$(PY) manage.py demo_account
	@echo "Serving on http://127.0.0.1:$(PORT) (Ctrl+C stops it)"
	@SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py serve --port $(PORT)

# The async and unit tests, then the browser tests in their own process: Playwright's sync API
# and pytest-asyncio each want the event loop.
test: test-fast test-browser

test-fast: $(VENV)/.installed-dev
	$(PY) -m pytest tests --ignore=tests/browser

test-browser: $(VENV)/.installed-dev
	@if [ -x "$(CHROMIUM)" ]; then \
		bin/fetch-axe || exit 1; \
		BROWSER_TESTS="env DJANGO_ALLOW_ASYNC_UNSAFE=true CHROMIUM=$(CHROMIUM) timeout -k 10 1800 $(PY) -m pytest tests/browser"; \
		$$BROWSER_TESTS; rc=$$?; \
		if [ $$rc -eq 124 ]; then \
			echo "The browser tests stopped moving for 30 min (Chromium has hung disposing a profile mid-navigation before; see close_contexts in tests/browser/conftest.py): running them once more."; \
			$$BROWSER_TESTS; rc=$$?; \
		fi; \
		exit $$rc; \
	elif [ -n "$$REQUIRE_BROWSER" ]; then \
		echo "REQUIRE_BROWSER is set but $(CHROMIUM) is missing: install it (apt-get install -y chromium)."; exit 1; \
	else \
		echo "SKIPPED the browser tests: no Chromium at $(CHROMIUM) (apt-get install -y chromium, or set CHROMIUM=/path)."; \
	fi

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed-dev
	$(PY) -m bench
