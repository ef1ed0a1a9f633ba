# The two commands a participant needs: `make lab` and `make test`.
# Everything else (release, grade, bench) is for instructors and developers.

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# nbgrader runs `alembic` as a subprocess: the venv's bin/ must come first on PATH.
export PATH := $(BIN):$(PATH)

# Extra arguments for `make grade` / `make collect`, e.g. make grade ARGS="session1 --force"
ARGS ?=

.PHONY: lab test bench release grade collect venv manifest clean-venv help

help:
	@echo "make lab      start JupyterLab on your own copy of the course notebooks"
	@echo "make test     run every test (library, notebooks, nbgrader round trip)"
	@echo "make bench    run the benchmarks and print measured ratios"
	@echo "make release  regenerate release/ from source/ with nbgrader"
	@echo "make collect  ARGS=\"session1 DOWNLOADS\": file zip downloads into submitted/"
	@echo "make grade    autograde, give feedback and export grades for submitted/ (ARGS=\"session1 --force\")"

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The course needs Python 3.11 or newer; set PYTHON=python3.11 (or newer) and try again.")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

lab: $(STAMP)
	$(BIN)/losi-course lab

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

release: $(STAMP)
	$(BIN)/python -m losi_course.grading.workflow release

grade: $(STAMP)
	$(BIN)/python -m losi_course.grading.workflow grade $(ARGS)

collect: $(STAMP)
	$(BIN)/python -m losi_course.grading.workflow collect $(ARGS)

manifest: $(STAMP)
	$(BIN)/python -m losi_course.data

clean-venv:
	rm -rf $(VENV)
