# The front door. `make test` and `make report` need only python3 (>= 3.11) with pip:
# the first run creates .venv/ and installs the package with its pinned dependencies.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

MLPERF_SUMMARY ?= https://raw.githubusercontent.com/mlcommons/inference_results_v5.1/main/summary_results.json

.PHONY: test report lab validate refresh clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

## make test: unit and bad-input tests, then nbval over notebooks/ (stored outputs == fresh run)
test: $(STAMP)
	$(BIN)/python -m pytest

## make report: re-execute every notebook in place; write build/figures/ (PNG and SVG)
report: $(STAMP)
	$(BIN)/python -m chipledger.report

## make lab: open JupyterLab on notebooks/
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## make validate: check the whole ledger in data/ (or $$CHIPLEDGER_DATA)
validate: $(STAMP)
	$(BIN)/chipledger validate

## make refresh: pull current AWS prices, SEC EDGAR figures and MLPerf Inference v5.1 results into data/ (network; the SEC needs
## SEC_USER_AGENT='Your Name you@example.org'). Then `make report` redraws the notebooks.
refresh: $(STAMP)
	$(BIN)/chipledger refresh aws-prices
	$(BIN)/chipledger refresh sec
	$(BIN)/chipledger refresh mlperf --source $(MLPERF_SUMMARY)

clean:
	rm -rf build/
