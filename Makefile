# ailm: `make demo` and `make test` do all set-up on a fresh machine (Debian/Ubuntu with Python 3.11+).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OPA_REFEREE := opa-golib-python-bindings>=0.4.4,<0.5
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils postgresql chromium
export MLFLOW_DISABLE_TELEMETRY := true
export PYTHONDONTWRITEBYTECODE := 1

.DEFAULT_GOAL := help
.PHONY: help demo test lint typecheck check policy-test schemas bench clean system-deps venv

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

system-deps: ## Install what WeasyPrint, the PDF checks, the history and browser tests need (apt, only what is missing)
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,llm]'
	@# Real OPA (v1.20, as a shared library) is the tests' referee for regorus. Its metadata asks for Python
	@# 3.14; it runs on 3.11. A test dependency only: ailm never imports it.
	$(BIN)/python -m pip install -q --ignore-requires-python '$(OPA_REFEREE)'
	@# ailm's own bytecode, as pip writes it for an installed wheel (this Makefile turns writing it at import off)
	@$(BIN)/python -m compileall -q engine/ailm >/dev/null
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv and install ailm with its dependencies

demo: $(STAMP) ## Train the demo model into a local MLflow registry, audit it, sign and verify the report
	@$(BIN)/python evidence/demo/train_demo.py --root .
	@test -f .ailm/keys/ailm.key || $(BIN)/ailm keys generate --out .ailm/keys --name "ailm demo signer" --org "ailm demo"
	@test -f .ailm/keys/ailm.crt || $(BIN)/ailm keys certify --key .ailm/keys/ailm.key --name "ailm demo signer" --org "ailm demo"
	@set +e; $(BIN)/ailm audit --config evidence/demo/ailm.yaml --out out/demo; code=$$?; set -e; \
	case $$code in \
	  0) echo "The gate returned 0: every control at or above the fail-on severity holds.";; \
	  1) echo "The gate returned 1: the demo model is NOT compliant. That is the honest result: its measured fairness, recall, split leakage and duplicates, its logging retention, separation of duties, documentation and monitoring fall short, and it was approved before its evaluation ran (see out/demo/report.html). A CI job would block this model.";; \
	  *) echo "The audit gave no verdict (exit $$code): see the error above."; exit $$code;; \
	esac
	@$(BIN)/ailm verify out/demo --key .ailm/keys/ailm.pub >/dev/null && echo "Signature and digests verified: ailm verify out/demo --key .ailm/keys/ailm.pub"
	@echo "Reports: out/demo/report.html, out/demo/report.pdf, out/demo/report.json"
	@echo; echo "The fleet demo: every model in the registry, audited, then audited again after the team retires one."
	@$(BIN)/python evidence/demo/train_demo.py --root . --fleet
	@$(BIN)/python evidence/demo/train_demo.py --root . --lifecycle active
	@$(BIN)/ailm audit --config evidence/demo/fleet.yaml --out out/fleet --format json >/dev/null || test $$? = 1
	@$(BIN)/python evidence/demo/train_demo.py --root . --lifecycle retired
	@set +e; $(BIN)/ailm audit --config evidence/demo/fleet.yaml --out out/fleet; code=$$?; set -e; \
	test $$code -le 1 || { echo "The fleet audit gave no verdict (exit $$code): see the error above."; exit $$code; }
	@$(BIN)/ailm verify out/fleet --key .ailm/keys/ailm.pub >/dev/null && echo "Fleet reports verified: ailm verify out/fleet --key .ailm/keys/ailm.pub"
	@$(BIN)/ailm diff --config evidence/demo/fleet.yaml --format text | head -20
	@$(BIN)/ailm history list --config evidence/demo/fleet.yaml | tail -4
	@$(BIN)/ailm history verify --config evidence/demo/fleet.yaml --key .ailm/keys/ailm.pub
	@echo "Fleet dashboard: out/fleet/report.html (and report.pdf); each version's own report under out/fleet/<model>/<version>/"
	@echo; echo "The generative demo: a support assistant (its model a stand-in), evaluated by Inspect AI here, red-teamed by garak."
	@$(BIN)/python evidence/demo/train_demo.py --root . --genai
	@set +e; $(BIN)/ailm audit --config evidence/demo/genai.yaml --out out/genai; code=$$?; set -e; \
	test $$code -le 1 || { echo "The generative audit gave no verdict (exit $$code): see the error above."; exit $$code; }
	@$(BIN)/ailm verify out/genai --key .ailm/keys/ailm.pub >/dev/null && echo "Generative reports verified: out/genai/report.html, report.pdf"

test: $(STAMP) ## Run the whole test suite (what CI runs)
	$(BIN)/python -m pytest -q

policy-test: $(STAMP) ## Run the Rego unit tests of the policy library
	$(BIN)/ailm policy test

lint: $(STAMP) ## ruff check and format check
	$(BIN)/ruff check engine tests bench evidence
	$(BIN)/ruff format --check engine tests bench evidence

typecheck: $(STAMP) ## mypy on engine/
	$(BIN)/mypy engine/ailm evidence/demo/train_demo.py

check: lint typecheck test ## Everything CI cares about

schemas: $(STAMP) ## Regenerate evidence/schema/ from the evidence model
	$(BIN)/ailm schema --out evidence/schema

bench: $(STAMP) ## Run the benchmarks and record results under bench/results/
	$(BIN)/python bench/run.py
	$(BIN)/python bench/reaudit.py
	$(BIN)/python bench/evaluators.py
	$(BIN)/python bench/analysis.py
	$(BIN)/python bench/library.py
	$(BIN)/python bench/lineage.py
	$(BIN)/python bench/fleet.py
	$(BIN)/python bench/history.py

clean: ## Remove the demo's scratch store, outputs and caches (not .venv)
	rm -rf .ailm/demo out .pytest_cache .mypy_cache .ruff_cache
