# policykit: `make demo` runs the main job on policies/; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck pytest clients schema bench clean

REDLINE := exports/kommunikationspolitik-redline

# diff exits 1 when the versions differ, which they do here.
demo: $(STAMP)
	$(BIN)/policykit validate policies/
	$(BIN)/policykit export policies/ -d exports/
	$(BIN)/policykit export policies/ --md -d exports/
	$(BIN)/policykit diff policies/kommunikationspolitik.yaml \
		policies/drafts/kommunikationspolitik.yaml \
		-o $(REDLINE).html -o $(REDLINE).pdf -o $(REDLINE).docx || test $$? -eq 1
	$(BIN)/policykit brief policies/drafts/kommunikationspolitik.yaml -d exports/
	$(BIN)/policykit catalog policies/ -o exports/index.html
	$(BIN)/policykit review policies/
	rm -rf .demo-import && mkdir -p .demo-import/policies && cp policykit.yaml .demo-import/
	cd .demo-import && ../$(BIN)/policykit import ../tests/data/seed/ikast-brande-kommunikationspolitik.txt || test $$? -eq 1
	# The Word round trip, in a scratch copy: export, a committee's tracked edits (scripted),
	# and the file read back into the YAML, with its diff, report and a redline. Exit 1 says
	# that something was not applied (here: the interval), which the report names.
	rm -rf .demo-roundtrip && mkdir -p .demo-roundtrip && cp -r policykit.yaml policies .demo-roundtrip/
	cd .demo-roundtrip && ../$(BIN)/policykit export policies/kommunikationspolitik.yaml --docx -d sent/
	cd .demo-roundtrip && PYTHONPATH=.. ../$(BIN)/python -m tests.edit_sets committee \
		sent/kommunikationspolitik.docx returned.docx
	cd .demo-roundtrip && ../$(BIN)/policykit import --update policies/kommunikationspolitik.yaml \
		returned.docx -o redline.docx || test $$? -eq 1

test: $(DEV_STAMP) clients lint typecheck pytest

# The real clients the tests check outputs with (pandoc, LibreOffice, poppler, qpdf,
# Chromium, vnu, axe-core): installed when missing, with apt-get as root and npm.
clients:
	./scripts/install-clients

lint: $(DEV_STAMP)
	$(BIN)/ruff check policykit tests
	$(BIN)/ruff format --check policykit tests
	$(BIN)/lint-imports

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

pytest: $(DEV_STAMP)
	$(BIN)/pytest -q -n auto

# Speed targets are checked here, not in timed tests; docs/performance.md records the figures.
bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/bench_diff.py
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_peers.py

# Refresh the committed copies of the published schemas (a test checks they match).
schema: $(STAMP)
	$(BIN)/policykit schema > schema/policy.schema.json
	$(BIN)/policykit schema --project > schema/project.schema.json
	$(BIN)/policykit schema --diff > schema/diff.schema.json
	$(BIN)/python scripts/compile-schemas

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# An editable install compiles nothing, as a wheel's does; compileall does, so that a
# command starts from bytecode even where PYTHONDONTWRITEBYTECODE is set (a stale file is
# compiled again in memory, so an edit is never missed).
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/python -m compileall -q policykit
	touch $@

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q policykit
	touch $(STAMP) $@

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache node_modules .demo-import .demo-roundtrip
