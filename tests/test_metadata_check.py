"""The sanitizing pass's metadata check: nbgrader's checks and errors, with its schema checked once."""

from __future__ import annotations

import copy

import jsonschema
import nbformat
import nbgrader.nbgraderformat.common as nbgrader_metadata
import pytest
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.preprocessors import CheckCellMetadata

from losi_course.instructor import preprocessors
from losi_course.instructor.preprocessors import CheckMetadata
from conftest import ROOT

RELEASED = nbformat.read(ROOT / "release" / "session1" / "session1.ipynb", as_version=4)


def _graded_cell(nb):
    return next(c for c in nb.cells if (c.metadata.get("nbgrader") or {}).get("grade"))


def _damaged(change):
    nb = copy.deepcopy(RELEASED)
    change(_graded_cell(nb).metadata.nbgrader)
    return nb


@pytest.mark.parametrize("change", [
    lambda meta: meta.update(points="many"),          # not a number
    lambda meta: meta.pop("grade_id"),                # a graded cell without its id
    lambda meta: meta.update(locked="yes"),           # not true or false
], ids=["points", "grade_id", "locked"])
def test_damaged_metadata_fails_as_with_nbgrader(change):
    for check in (CheckCellMetadata(), CheckMetadata()):
        with pytest.raises(ValidationError, match="the nbgrader metadata may be corrupted"):
            check.preprocess(_damaged(change), {})
    assert nbgrader_metadata.jsonschema is jsonschema   # nbgrader's own module is back after a failure


def test_a_sound_notebook_passes_and_the_schema_is_checked_once(monkeypatch):
    kind = jsonschema.validators.validator_for(MetadataValidator().schema)
    checked = []
    plain_check = kind.check_schema
    monkeypatch.setattr(kind, "check_schema", classmethod(lambda cls, schema: checked.append(plain_check(schema))))
    monkeypatch.setattr(preprocessors, "_ONE_VALIDATOR_PER_SCHEMA", preprocessors._SchemaCheckedOnce())
    nb = copy.deepcopy(RELEASED)
    for _ in range(3):
        assert CheckMetadata().preprocess(nb, {})[0] is nb
    assert len(checked) == 1                       # nbgrader's own check: once per cell, every time
    CheckCellMetadata().preprocess(nb, {})
    assert len(checked) > 10
