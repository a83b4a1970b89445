# Two entry points for a fresh machine: `make run` (the app) and `make test` (lint + tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

TRANSLATIONS := gallery/ui/translations
QM := $(TRANSLATIONS)/lumen_zh_CN.qm $(TRANSLATIONS)/lumen_en.qm

.PHONY: run test lint pytest package clean translations lupdate

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,cluster]'
	touch $(STAMP)

# The .qm files the app loads, compiled from the .ts sources (the wheel's build does the same).
$(QM): $(TRANSLATIONS)/lumen_zh_CN.ts $(TRANSLATIONS)/lumen_en.ts $(STAMP)
	$(BIN)/python -m gallery.ui.translations compile

translations: $(QM)

# After adding or changing interface text: refresh the .ts sources, then translate what is new
# (tests/test_translations.py fails while anything is untranslated).
lupdate: $(STAMP)
	$(BIN)/python -m gallery.ui.translations update

run: $(STAMP) translations
	$(BIN)/gallery

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

pytest: $(STAMP) translations
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

test: lint pytest

package: $(STAMP) translations
	bash packaging/build_linux.sh

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
