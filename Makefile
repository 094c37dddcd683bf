# The two commands of the README: `make run` and `make test`. Everything else is for developers.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
ADDRESS ?= 127.0.0.1:8000

.PHONY: run test install install-dev migrate demo serve worker beat lint format check clean vendor messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	@echo "Installing okrplatform into $(VENV)…"
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	@echo "Installing the test dependencies…"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate, load the demo organisation and serve on http://127.0.0.1:8000
run: install migrate demo serve

migrate: install
	$(MANAGE) migrate --no-input

demo: install
	$(MANAGE) load_demo

# With CELERY_BROKER_URL set, a Celery worker (with beat) runs beside the web server.
serve: install
	@if [ -n "$$CELERY_BROKER_URL" ]; then \
		echo "CELERY_BROKER_URL is set: starting a Celery worker with beat beside the server."; \
		$(BIN)/celery -A okrplatform worker --beat --loglevel=INFO \
			--schedule "$(VENV)/celerybeat-schedule" & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver $(ADDRESS); \
	else \
		$(MANAGE) runserver $(ADDRESS); \
	fi

## test: install the test dependencies, check the layers, and run the whole suite
test: install-dev
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

worker: install
	$(BIN)/celery -A okrplatform worker --loglevel=INFO

beat: install
	$(BIN)/celery -A okrplatform beat --loglevel=INFO --schedule "$(VENV)/celerybeat-schedule"

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install-dev lint
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache test-artifacts .pytest-db.sqlite3*

BOOTSTRAP_VERSION := 5.3.8
CHARTJS_VERSION := 4.6.1
## vendor: fetch Bootstrap and Chart.js again from the npm registry into static/vendor/
vendor:
	rm -rf .vendor-tmp && mkdir -p .vendor-tmp
	cd .vendor-tmp && npm pack --silent bootstrap@$(BOOTSTRAP_VERSION) chart.js@$(CHARTJS_VERSION)
	cd .vendor-tmp && for f in *.tgz; do mkdir -p "$${f%.tgz}" && tar xzf "$$f" -C "$${f%.tgz}"; done
	cp .vendor-tmp/bootstrap-$(BOOTSTRAP_VERSION)/package/dist/css/bootstrap.min.css \
	   .vendor-tmp/bootstrap-$(BOOTSTRAP_VERSION)/package/dist/js/bootstrap.bundle.min.js \
	   static/vendor/bootstrap/
	cp .vendor-tmp/bootstrap-$(BOOTSTRAP_VERSION)/package/LICENSE static/vendor/bootstrap/
	cp .vendor-tmp/chart.js-$(CHARTJS_VERSION)/package/dist/chart.umd.min.js static/vendor/chartjs/
	cp .vendor-tmp/chart.js-$(CHARTJS_VERSION)/package/LICENSE.md static/vendor/chartjs/
	sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##; s#//\# sourceMappingURL=.*$$##' \
	   static/vendor/bootstrap/*.min.* static/vendor/chartjs/*.min.js
	rm -rf .vendor-tmp

## messages: refresh the translation catalogues and compile them (needs GNU gettext)
messages: install
	$(MANAGE) makemessages -l de --no-location --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles
	$(MANAGE) compilemessages --ignore=.venv
