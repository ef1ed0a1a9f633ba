"""The exporter of the feedback pages: nbconvert's HTML exporter, compiling its templates once.

nbgrader makes a new exporter for every feedback page, and each new exporter compiles the
same Jinja2 templates again (about half the time of one page). :class:`FeedbackPageExporter`
keeps the compiled templates in memory for the life of the grading process. Jinja2 checks
each template's source against the compiled copy, so an edited template is compiled afresh.
It is switched on in ``nbgrader_config.py`` (``GenerateFeedback.exporter_class``).

Example:
    >>> exporter = FeedbackPageExporter()
    >>> exporter.environment.bytecode_cache is FeedbackPageExporter().environment.bytecode_cache
    True
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from nbconvert.exporters import HTMLExporter

__all__ = ["FeedbackPageExporter"]


class _CompiledTemplates(BytecodeCache):
    """Compiled templates, in memory, keyed by Jinja2's own key (template name and file)."""

    def __init__(self):
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)  # Jinja2 drops it if the source changed

    def dump_bytecode(self, bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._compiled.clear()


_COMPILED = _CompiledTemplates()


class FeedbackPageExporter(HTMLExporter):
    """nbconvert's HTML exporter (nbgrader's feedback template), sharing compiled templates."""

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = _COMPILED
        return environment
