# Homework 5: `make` builds writeup/hw5.pdf from a fresh clone; `make test` runs the tests. `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# requirements.lock pins every package at the version the tests passed with, for CPython $(LOCK_PYTHON) (any patch
# release) on x86-64 Linux; `make lock` writes it from requirements.txt. Elsewhere .venv gets requirements.txt's ranges.
LOCK := requirements.lock
LOCK_PYTHON := 3.11
LOCK_TARGET := --python-version $(LOCK_PYTHON) --python-platform x86_64-unknown-linux-gnu
ON_LOCK_TARGET := import platform as p, sys; sys.exit((p.python_version().rsplit(".", 1)[0], sys.platform, \
                  p.machine()) != ("$(LOCK_PYTHON)", "linux", "x86_64"))
SYSTEM_PACKAGES := $(shell grep -v '^\#' tools/system-packages.txt)

# HW5_SMOKE=1 make (or make notebook pdf lab) shrinks every cell to about a minute and writes to build/smoke/,
# leaving the committed notebook, run and PDF untouched; only hw5.render.notebook.smoke_mode reads the variable.

.PHONY: all help setup system venv lock data notebook pdf test lab kernel retrain classifier bench scores clean

all: setup data notebook pdf ## Everything: set up, get the data, run all cells, render the PDF

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

setup: system venv ## Install system packages (Debian/Ubuntu) and the Python environment in .venv

system: ## Install missing system packages with apt-get (as root or via sudo); elsewhere say what to install
	@bash tools/system-packages.sh $(SYSTEM_PACKAGES)

venv: $(VENV)/.installed ## Create .venv from requirements.lock (again when it changes); register its kernel "hw5"

$(VENV)/.installed: requirements.txt $(LOCK)
	$(PYTHON) -m venv --clear $(VENV)
	if $(PY) -c '$(ON_LOCK_TARGET)'; then $(PY) -m pip install --quiet -r $(LOCK); else \
	    echo "note: $(LOCK) is for CPython $(LOCK_PYTHON) on x86-64 Linux; installing the newest versions" \
	         "within requirements.txt's ranges instead, which the tests have not run with"; \
	    $(PY) -m pip install --quiet -r requirements.txt; fi
	$(PY) -m ipykernel install --sys-prefix --name hw5 --display-name "Python (hw5)" >/dev/null
	touch $@

lock: ## Pin requirements.txt's packages in requirements.lock (kept pins stay; delete the lock for all newest)
	$(PYTHON) -m venv build/uv && build/uv/bin/python -m pip install --quiet uv
	build/uv/bin/uv pip compile --quiet --no-annotate --custom-compile-command "make lock" $(LOCK_TARGET) \
	    requirements.txt --output-file $(LOCK)

data: venv ## Put FashionMNIST under data/ (from Debian's package offline, else downloaded)
	$(PY) -m hw5.answers.data

notebook: venv data ## Run all cells of hw5.ipynb headless, in place (or into build/smoke/ with HW5_SMOKE=1)
	$(PY) -m hw5.render.pdf execute

pdf: venv ## Render the executed notebook to writeup/hw5.pdf (build/smoke/hw5.pdf with HW5_SMOKE=1)
	$(PY) -m hw5.render.pdf pdf

test: setup data ## Set up, then run the tests
	$(PY) -m pytest

lab: setup data ## Open hw5.ipynb in JupyterLab with the project's kernel (no browser: prints the URL that opens it)
	$(VENV)/bin/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) --LabApp.default_url=/lab/tree/hw5.ipynb

kernel: venv ## Register the "hw5" kernel for your own Jupyter (user-wide)
	$(PY) -m ipykernel install --user --name hw5 --display-name "Python (hw5)"

retrain: setup data ## Train the 50-epoch run in runs/dcgan-new (again: resume), then swap it into runs/dcgan
	$(PY) -m hw5.train --run-dir runs/dcgan-new
	rm -rf runs/dcgan.old; if [ -d runs/dcgan ]; then mv runs/dcgan runs/dcgan.old; fi
	rm -f runs/dcgan-new/checkpoint.pt; mv runs/dcgan-new runs/dcgan

classifier: setup data ## Retrain the cached quality classifier (hw5/appendix/assets/classifier.pt, about 2 minutes)
	$(PY) -m hw5.appendix.classifier train

bench: setup data ## Training speed (fp32) against a straightforward PyTorch port, side by side (JSON last line)
	$(PY) -m hw5.appendix.bench

scores: venv ## Print the committed run's stored final losses and sample quality, and its reference points (JSON)
	$(PY) -m hw5.train --run-dir runs/dcgan --show

clean: ## Remove build output and smoke results (keeps .venv, data/ and the committed run)
	rm -rf build .pytest_cache
