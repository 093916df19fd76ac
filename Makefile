# CCHC — two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test system-test-deps migrate demo serve test-postgres clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test system-test-deps

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here);
# fonts-liberation2 has the Vietnamese glyphs that fonts-liberation lacks.
system-test-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-liberation2 >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		$$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation2 >/dev/null; \
	fi

migrate: install
	mkdir -p data
	DEBUG=1 $(PY) manage.py migrate --no-input -v0

demo: migrate
	DEBUG=1 $(PY) manage.py load_demo

run: demo
	@echo "CCHC đang chạy tại http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

# The same suite against PostgreSQL (a server must answer at DATABASE_URL).
test-postgres: install-test
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache
