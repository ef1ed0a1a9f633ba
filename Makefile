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

.PHONY: lab test test-fast bench release grade collect portal venv manifest clean-venv help hub

help:
	@echo "make lab      start JupyterLab on your own copy of the course notebooks"
	@echo "make test     run every test (layers, library, notebooks through nbval, nbgrader round trip)"
	@echo "make test-fast  the library tests only (under a minute)"
	@echo "make bench    run the benchmarks and print measured ratios"
	@echo "make release  regenerate release/ from source/ with nbgrader"
	@echo "make collect  ARGS=\"session1 DOWNLOADS\": file zip downloads into submitted/"
	@echo "make grade    autograde, give feedback and export grades for submitted/ (ARGS=\"session1 --force\")"
	@echo "make portal   rebuild the sample city's portal pages from their layout"
	@echo "make hub      (as root) the workshop server: JupyterHub on HUB_IP:HUB_PORT (127.0.0.1:8000)"

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The course needs Python 3.11 or newer; set PYTHON=python3.11 (or newer) and try again.")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

lab: $(STAMP)
	$(BIN)/losi-course lab

# nbval runs every source notebook top to bottom (its hidden tests included).
NBVAL := --nbval-lax --nbval-current-env --nbval-cell-timeout=120

test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(NBVAL) tests losi_course source

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" tests losi_course

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

release: $(STAMP)
	$(BIN)/losi-course instructor release

grade: $(STAMP)
	$(BIN)/losi-course instructor grade $(ARGS)

collect: $(STAMP)
	$(BIN)/losi-course instructor collect $(ARGS)

portal: $(STAMP)
	$(BIN)/python -m losi_course.portal.build

manifest: $(STAMP)
	$(BIN)/python -m losi_course.datafiles

clean-venv:
	rm -rf $(VENV)

# The workshop server for a whole class (course/deploy-guide.md). Run as root; it uses its own
# environment in HUB_PREFIX, not .venv.
HUB_PREFIX     ?= /srv/losi-course
HUB_IP         ?= 127.0.0.1
HUB_PORT       ?= 8000
HUB_PUBLIC_URL ?=
HUB_INSTRUCTOR ?= facilitator
HUB_PYTHON     ?= /usr/bin/python3
GRADEBOOK_URL  ?=

hub:
	LOSI_HUB_PREFIX='$(HUB_PREFIX)' LOSI_HUB_IP='$(HUB_IP)' LOSI_HUB_PORT='$(HUB_PORT)' \
	LOSI_HUB_PUBLIC_URL='$(HUB_PUBLIC_URL)' LOSI_HUB_INSTRUCTOR='$(HUB_INSTRUCTOR)' \
	LOSI_HUB_PYTHON='$(HUB_PYTHON)' LOSI_GRADEBOOK_URL='$(GRADEBOOK_URL)' \
	exec deploy/jupyterhub/start-hub
