# CCHC — two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test system-deps system-test-deps migrate demo test-postgres clean

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

# Debian packages the product uses at run time: LibreOffice reads legacy .doc and proves our DOCX
# open; poppler rasterises scanned PDFs for Tesseract's Vietnamese OCR; fonts-liberation2 has the
# Vietnamese glyphs that fonts-liberation lacks; postgresql-client has pg_dump / pg_restore for
# `manage.py backup` / `restore`. The tests add Debian's Chromium (Playwright never downloads a browser here).
SYSTEM_PACKAGES := libreoffice-writer-nogui poppler-utils tesseract-ocr tesseract-ocr-vie fonts-liberation2 postgresql-client
TEST_PACKAGES := chromium

define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		echo "Cài gói hệ thống:$$missing"; \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) $$missing >/dev/null; \
	fi
endef

system-deps:
	$(call apt_install,$(SYSTEM_PACKAGES),--no-install-recommends)

system-test-deps: system-deps
	$(call apt_install,$(TEST_PACKAGES),)

migrate: install system-deps
	mkdir -p data
	DEBUG=1 $(PY) manage.py migrate --no-input -v0

demo: migrate
	DEBUG=1 SITE_URL=http://$(HOST):$(PORT) $(PY) manage.py load_demo

# The web server and, beside it, the worker that runs background jobs (plan reading, drafts, exports).
# A job left running by a worker stopped last time is marked failed first (jobs_sweep).
run: demo
	@DEBUG=1 $(PY) manage.py jobs_sweep -v0
	@echo "CCHC đang chạy tại http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	@DEBUG=1 $(PY) manage.py db_worker --interval 0.5 --no-reload -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

# The same suite against PostgreSQL (a server must answer at DATABASE_URL).
test-postgres: install-test
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) data .pytest_cache
