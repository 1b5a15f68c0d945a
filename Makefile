# Homework 5: `make` builds writeup/hw5.pdf from a fresh clone; `make test` runs the tests. `make help` lists all.
SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SYSTEM_PACKAGES := $(shell grep -v '^\#' tools/system-packages.txt)

# HW5_SMOKE=1 make (or make notebook pdf lab) shrinks every cell to about a minute and writes to build/smoke/,
# leaving the committed notebook, run and PDF untouched; only hw5.render.notebook.smoke_mode reads the variable.

.PHONY: all help setup system venv data notebook pdf test lab kernel retrain classifier bench evaluate clean

all: setup data notebook pdf ## Everything: set up, get the data, run all cells, render the PDF

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

setup: system venv ## Install system packages (Debian/Ubuntu) and the Python environment in .venv

system: ## Install missing system packages with apt-get (as root or via sudo); elsewhere say what to install
	@bash tools/system-packages.sh $(SYSTEM_PACKAGES)

venv: $(VENV)/.installed ## Create .venv from requirements.txt and register its Jupyter kernel "hw5"

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m ipykernel install --sys-prefix --name hw5 --display-name "Python (hw5)" >/dev/null
	touch $@

data: venv ## Put FashionMNIST under data/ (from Debian's package offline, else downloaded)
	$(PY) -m hw5.answers.data

notebook: venv data ## Run all cells of hw5.ipynb headless, in place (or into build/smoke/ with HW5_SMOKE=1)
	$(PY) -m hw5.render.pdf execute

pdf: venv ## Render the executed notebook to writeup/hw5.pdf (build/smoke/hw5.pdf with HW5_SMOKE=1)
	$(PY) -m hw5.render.pdf pdf

test: setup data ## Set up, then run the tests
	$(PY) -m pytest

lab: setup data ## Open JupyterLab on hw5.ipynb with the project's kernel (headless: prints the URL to open)
	$(VENV)/bin/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) hw5.ipynb

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

evaluate: setup data ## The committed run's final losses and sample quality, beside its two reference points (JSON)
	$(PY) -m hw5.train --run-dir runs/dcgan --show

clean: ## Remove build output and smoke results (keeps .venv, data/ and the committed run)
	rm -rf build .pytest_cache
