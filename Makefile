# The two commands of a new user: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ARTICLE ?= ../shared/article/human-rights-reforms-in-kazakhstan.md
HOST ?= 127.0.0.1
PORT ?= 8000
WORKER_LOG ?= var/worker.log

.PHONY: run test install setup lint content serve clean worker backup restore chaos

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Migrate, import the article when it is there, load the content pack, seed demo accounts.
setup: install
	mkdir -p var
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	@if [ -f "$(ARTICLE)" ]; then DEBUG=1 $(BIN)/python manage.py import_article "$(ARTICLE)"; \
	 else echo "Article not found at $(ARTICLE): skipping the full text (set ARTICLE=path)."; fi
	DEBUG=1 $(BIN)/python manage.py load_content
	DEBUG=1 $(BIN)/python manage.py seed_demo

# The background worker runs beside the server (grades to LMSs, overdue attempts closed, item
# analyses): a newcomer's exam closes on time as it would in production. Ctrl-C stops both.
run: setup
	@echo "kzstudy is serving on http://$(HOST):$(PORT)/ with its background worker (log: $(WORKER_LOG)); Ctrl-C stops both"
	@DEBUG=1 $(BIN)/python manage.py run_worker >>"$(WORKER_LOG)" 2>&1 & worker=$$!; \
	 trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	 DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The background worker: django-tasks-db's worker and the periodic schedule (grades sent to
# LMSs, overdue attempts closed). Run it beside `make run` when testing with an LMS; a
# deployment runs it beside its app servers (docs/operations.md).
worker: install
	DEBUG=1 $(BIN)/python manage.py run_worker

# A consistent copy of the database (SQLite backup API or pg_dump) in var/backups/.
backup: install
	$(BIN)/python manage.py backup_database $(BACKUP)

# Replace the database with BACKUP=path (stop the app servers and workers first).
restore: install
	@test -n "$(BACKUP)" || { echo "Name the backup: make restore BACKUP=var/backups/…"; exit 2; }
	$(BIN)/python manage.py restore_database "$(BACKUP)" --yes

# The long fault-injection runs (docs/operations.md): an exam burst of LEARNERS on PostgreSQL
# with a worker killed and the database restarted; two servers behind HAProxy; a dead LMS.
LEARNERS ?= 300
chaos: install
	KZSTUDY_CHAOS_LEARNERS=$(LEARNERS) KZSTUDY_REQUIRE_POSTGRES=1 KZSTUDY_REQUIRE_HAPROXY=1 \
	  $(BIN)/python -m pytest tests/reliability -m chaos -n 0 -s

test: install
	$(BIN)/python -m pytest -n auto

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var
