# The two commands of a new user: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ARTICLE ?= ../shared/article/human-rights-reforms-in-kazakhstan.md
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install setup lint content serve clean worker

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

run: setup
	@echo "kzstudy is serving on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Sends queued LTI grades to platforms; run it beside `make run` when testing with an LMS.
worker: install
	DEBUG=1 $(BIN)/python manage.py lti_worker

test: install
	$(BIN)/python -m pytest -n auto

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var
