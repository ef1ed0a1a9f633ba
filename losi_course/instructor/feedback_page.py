"""The exporter of the feedback pages: nbconvert's HTML exporter, without its two slow repeats.

It is switched on in ``nbgrader_config.py`` (``GenerateFeedback.exporter_class``), and saves
what nbconvert does again for every page, each about half the time of one page:

* nbgrader makes a new exporter for every page, and each new exporter compiles the same
  Jinja2 templates again. :class:`FeedbackPageExporter` keeps the compiled templates in memory
  for the life of the grading process. Jinja2 checks each template's source against the
  compiled copy, so an edited template is compiled afresh.
* nbconvert reads every finished page back with BeautifulSoup's pure-Python parser, to give
  images without a description an ``alt`` text and the cells of JupyterLab's template a tab
  stop. Here the page is parsed only when one of those elements can be in it (:class:`LazyPage`);
  the feedback template has no such cells, and a notebook graded without pictures has no image,
  so its page is kept as the template wrote it, not written out again by BeautifulSoup (the same
  elements and text; BeautifulSoup only respells some, such as ``<meta ... />`` as ``<meta .../>``).

Example:
    >>> exporter = FeedbackPageExporter()
    >>> exporter.environment.bytecode_cache is FeedbackPageExporter().environment.bytecode_cache
    True
    >>> LazyPage("<p>No picture here</p>", features="html.parser").select("img:not([alt])")
    []
"""

from __future__ import annotations

import contextlib
import re

import nbconvert.exporters.html as nbconvert_html
from jinja2 import BytecodeCache
from nbconvert.exporters import HTMLExporter

__all__ = ["FeedbackPageExporter", "LazyPage", "may_match"]

# What each of nbconvert's selectors needs in the page's text to match anything. A class given
# with a character reference in its attribute (class="jp&#45;Notebook") is matched by the parser
# but not by this text: such a page is always parsed.
_NEEDS = {
    "img:not([alt])": ("<img",),
    ".jp-Notebook div.jp-Cell-inputWrapper": ("jp-notebook", "jp-cell-inputwrapper"),
    ".jp-Notebook div.jp-OutputArea-output": ("jp-notebook", "jp-outputarea-output"),
}
_CLASS_WITH_REFERENCE = re.compile(r"""class\s*=\s*(?:"[^"]*&|'[^']*&|[^\s"'>]*&)""", re.IGNORECASE)


def may_match(selector: str, markup: str) -> bool:
    """False only when ``selector``, one of nbconvert's, cannot match anything in ``markup``.

    Any other selector may match (the page is then parsed).

    Example:
        >>> may_match(".jp-Notebook div.jp-Cell-inputWrapper", '<div class="cell">')
        False
        >>> may_match("img:not([alt])", '<IMG src="chart.png">')
        True
        >>> may_match("p.note", "<div>")
        True
    """
    needs = _NEEDS.get(selector)
    if needs is None:
        return True
    text = markup.lower()
    if any(not need.startswith("<") for need in needs) and _CLASS_WITH_REFERENCE.search(markup):
        return True
    return all(need in text for need in needs)


class LazyPage:
    """The BeautifulSoup of a page, parsed on the first selector that may match something.

    Until then ``select`` finds nothing and the page stays exactly the text it was made from.
    """

    def __init__(self, markup: str, **options):
        self._markup, self._options, self._soup = markup, options, None

    def select(self, selector: str, *args, **kwargs) -> list:
        if self._soup is None and not may_match(selector, self._markup):
            return []
        return self._parsed().select(selector, *args, **kwargs)

    def _parsed(self):
        if self._soup is None:
            self._soup = _NBCONVERTS_SOUP(self._markup, **self._options)
        return self._soup

    def __str__(self) -> str:
        return self._markup if self._soup is None else str(self._soup)


_NBCONVERTS_SOUP = nbconvert_html.BeautifulSoup


@contextlib.contextmanager
def _pages_parsed_lazily():
    nbconvert_html.BeautifulSoup = LazyPage
    try:
        yield
    finally:  # nbconvert's own, whatever ran meanwhile (a page parsed lazily is the same page)
        nbconvert_html.BeautifulSoup = _NBCONVERTS_SOUP


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
    """nbconvert's HTML exporter (nbgrader's feedback template): templates compiled once, pages parsed lazily."""

    def from_notebook_node(self, nb, resources=None, **kw):
        with _pages_parsed_lazily():
            return super().from_notebook_node(nb, resources, **kw)

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = _COMPILED
        return environment
