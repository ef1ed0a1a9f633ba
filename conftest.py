"""Root pytest configuration: what collection skips, and one temporary folder for everything.

Every temporary file the tests make (pytest's ``tmp_path``, ``tempfile`` in doctests, the
scratch folders of the library and of the kernels the tests start) goes into one folder that is
removed when the run ends, so a test run leaves nothing behind.

``make test`` runs nbval on the source notebooks (``--nbval-lax``); the participant versions
(``release/`` folders) are tested by the pipeline tests, not collected as notebooks.
"""

import os
import shutil
import tempfile
from pathlib import Path

collect_ignore = ["losi_course/__main__.py", "workspace", "benchmarks"]
collect_ignore_glob = ["losi_course/portal/site/*", "losi_course/portal/pages/*"]

_TEMP: list[Path] = []


def pytest_configure(config):
    temp = Path(tempfile.mkdtemp(prefix="losi-course-tests-"))
    _TEMP.append(temp)
    os.environ["TMPDIR"] = str(temp)       # subprocesses and kernels
    tempfile.tempdir = str(temp)            # this process
    if not config.option.basetemp:
        config.option.basetemp = str(temp / "pytest")


def pytest_unconfigure(config):
    while _TEMP:
        shutil.rmtree(_TEMP.pop(), ignore_errors=True)


def pytest_ignore_collect(collection_path, config):
    if "release" in Path(collection_path).parts:
        return True
    return None
