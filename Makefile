# Set-up is idempotent: .venv is (re)built only when pyproject.toml changes.
PYTHON ?= python3
# The deployment configuration (`make synth CONFIG=prod.yaml`), and the Python 3.11 that writes the assets'
# byte code when PYTHON is another version (default: python3.11 on the PATH).
CONFIG ?= infra/config.yaml
LAMBDA_PYTHON ?=
OUTPUTS ?= build/stack-outputs.json
MANIFEST ?= build/slack-manifest.yaml
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# jsii (under aws-cdk-lib) warns on every start when Node 20 runs it; the CDK app works on it.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: setup demo test lint typecheck unit bench sample-chart clean assets synth deploy manifest test-assets

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,cdk]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/aiops demo

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy app tools infra

# The sample catalog's steps name the sample jobs API's tools: check it against that spec.
unit: setup
	AIOPS_JOBS_API_SPEC=app/fakes/jobs_openapi.yaml $(BIN)/aiops runbooks test runbooks
	$(BIN)/pytest

test: lint typecheck unit

bench: setup
	PYTHONPATH=. $(BIN)/python bench/run.py
	PYTHONPATH=. $(BIN)/python bench/burst.py
	$(BIN)/python bench/model_tokens.py
	$(BIN)/python -m bench.assets
	$(BIN)/python -m bench.coldstart
	$(BIN)/pytest -q -m assets tests/infra

# Lambda assets: Linux arm64 wheels from pip into build/assets/ (no Docker); reused when nothing changed.
assets: setup
	$(BIN)/python -m infra.assets build $(if $(LAMBDA_PYTHON),--python $(LAMBDA_PYTHON))

# Offline synthesis with the cdk-nag AWS Solutions checks; fails on any unaccepted finding.
synth: assets
	CDK_OUTDIR=cdk.out $(BIN)/python -m infra.app --config $(CONFIG)

# Deploys, then keeps the stack outputs for `make manifest` and the operator's commands.
deploy: assets
	mkdir -p build
	npx --yes aws-cdk@2 deploy -c config=$(CONFIG) --outputs-file $(OUTPUTS)

# The Slack app manifest with the deployed request URL (build/slack-manifest.yaml).
manifest: setup
	$(BIN)/python -m infra.manifest --config $(CONFIG) --outputs $(OUTPUTS) --out $(MANIFEST)

test-assets: setup
	$(BIN)/pytest -m assets

sample-chart: setup
	$(BIN)/python docs/sample_chart.py

clean:
	rm -rf $(VENV) .aiops-state .pytest_cache .mypy_cache .ruff_cache build cdk.out
