# The two commands of the README: `make run` and `make test`. Everything else is for developers.
# The newest python3.x (3.11 or later) on the PATH that runs. Each candidate is run, not just
# looked up: pyenv puts shims on the PATH for versions that are installed but not active, and
# those fail when called. PYTHON=/path/to/python overrides the choice.
PYTHON_CANDIDATES := python3.14 python3.13 python3.12 python3.11 python3
ifeq ($(origin PYTHON), undefined)
PYTHON := $(shell for p in $(PYTHON_CANDIDATES); do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { $$p -c 'import sys; print(sys.executable)'; break; }; done)
endif
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
ADDRESS ?= 127.0.0.1:8000

.PHONY: run test install install-dev migrate demo serve worker beat lint format check typecheck \
	clean vendor messages lock

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "okrplatform needs Python 3.11 or later, and none of $(PYTHON_CANDIDATES) on the PATH is." >&2; \
		echo "Install one (e.g. apt-get install python3.12-venv) or run: make PYTHON=/path/to/python3.12 …" >&2; \
		exit 1; \
	fi
	@echo "Creating $(VENV) with $(PYTHON)…"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs exactly the versions in the lock files (pyproject.toml keeps the ranges; `make lock`
# resolves them again).
$(VENV)/.installed: $(BIN)/python requirements.txt pyproject.toml
	@echo "Installing okrplatform into $(VENV)…"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	@echo "Installing the test dependencies…"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate, load the demo organisation and serve on http://127.0.0.1:8000
run: install migrate demo serve

migrate: install
	$(MANAGE) migrate --no-input

demo: install
	$(MANAGE) load_demo

# With CELERY_BROKER_URL set, a Celery worker (with beat) runs beside the web server. With DEBUG
# off (DEBUG=0 make serve), the static files are collected first (WhiteNoise serves them from
# staticfiles/) and gunicorn serves instead of the development server.
serve: install
	@case "$$(printf '%s' "$$DEBUG" | tr 'A-Z' 'a-z')" in \
		0|false|no|off) \
			echo "DEBUG is off: collecting static files, then serving with gunicorn."; \
			$(MANAGE) collectstatic --no-input --verbosity 0 || exit 1; \
			server="$(BIN)/gunicorn okrplatform.wsgi:application --bind $(ADDRESS) --workers 3";; \
		*) server="$(MANAGE) runserver $(ADDRESS)";; \
	esac; \
	if [ -n "$$CELERY_BROKER_URL" ]; then \
		echo "CELERY_BROKER_URL is set: starting a Celery worker with beat beside the server."; \
		$(BIN)/celery -A okrplatform worker --beat --loglevel=INFO \
			--schedule "$(VENV)/celerybeat-schedule" & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	fi; \
	$$server

## test: install the test dependencies, check the layers, and run the whole suite
## (PYTEST_ARGS='-m "not browser"' …)
test: install-dev
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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

check: install-dev lint typecheck
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

## typecheck: mypy with django-stubs on the apps, configured in pyproject.toml
typecheck: install-dev
	$(BIN)/mypy

## lock: resolve pyproject.toml's ranges again into the lock files, for Python 3.11 and later
lock: install-dev
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
		--custom-compile-command "make lock" --quiet -o requirements.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command "make lock" --quiet -c requirements.txt \
		-o requirements-dev.txt

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
	$(MANAGE) makemessages -l de --no-location --ignore=.venv --ignore=".venv-*" --ignore=bench \
		--ignore=tests --ignore=staticfiles --ignore=node_modules
	$(MANAGE) compilemessages --ignore=.venv --ignore=".venv-*"
