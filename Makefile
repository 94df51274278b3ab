# ckanext-publicdata — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
CKAN  := $(VENV)/bin/ckan
PYTEST := $(VENV)/bin/pytest

# CKAN's own suites run as the search backend's conformance contract (see docs/search-conformance.md)
CKAN_TESTS := $(shell $(PY) -c "import ckan,os;print(os.path.dirname(ckan.__file__))" 2>/dev/null)/tests
CONFORMANCE_SUITES := \
	$(CKAN_TESTS)/logic/action/test_get.py \
	$(CKAN_TESTS)/lib/search \
	$(CKAN_TESTS)/controllers/test_package.py \
	$(CKAN_TESTS)/controllers/test_group.py \
	$(CKAN_TESTS)/controllers/test_organization.py \
	$(CKAN_TESTS)/controllers/test_home.py \
	$(CKAN_TESTS)/cli/test_search_index.py \
	$(CKAN_TESTS)/lib/dictization/test_model_dictize.py

.PHONY: setup run test test-project conformance conformance-suites bench i18n clean-config help

help:
	@echo "make run    set up if needed, then serve the portal on http://127.0.0.1:5000"
	@echo "make test   set up if needed, then run every test (project tests + CKAN conformance)"
	@echo "make setup  the idempotent set-up step alone"
	@echo "make i18n   refresh the translation catalogues from the source (then translate the new msgids)"

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/run.sh

test: setup
	@bash scripts/test.sh

# only the project's own tests (no conformance)
test-project: setup
	@PUBLICDATA_SKIP_CONFORMANCE=1 bash scripts/test.sh

conformance: setup
	@$(MAKE) -s conformance-suites

# the suites alone, without the set-up step (scripts/test.sh calls this after its own set-up)
conformance-suites:
	@bash scripts/conformance.sh $(CONFORMANCE_SUITES)

bench: setup
	$(PY) benchmarks/search.py

# re-extract msgids, update zh_Hans_CN and en, fill Chinese from TSV pairs given as I18N_PAIRS, compile
i18n:
	$(PY) scripts/i18n_merge.py $(I18N_PAIRS)
