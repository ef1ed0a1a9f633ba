"""The widgets of the assessment form: one card per indicator, one page per criterion.

:mod:`losi_course.widgets` owns the file and what a click does; this module only draws. A
card is an :class:`IndicatorControls`: the indicator's text, its Yes / No / Not sure buttons
and its two text boxes, wired to the callbacks the form gives.

Example:
    >>> from losi_course.assessment import Assessment
    >>> sheet = Assessment()
    >>> card = indicator_card(sheet.instrument["281"], sheet.answers["281"],
    ...                       on_answer=print, on_text=lambda field, change: None)
    >>> card.answer.options, card.evidence.description
    (('Yes', 'No', 'Not sure'), 'Evidence')
"""

from __future__ import annotations

import html
from typing import Any, Callable, NamedTuple

from .assessment import Assessment
from .form_view import criterion_titles, indicator_html
from .framework import Indicator

__all__ = ["CHOICES", "BUTTON_OF_STATE", "IndicatorControls", "indicator_card", "page_titles",
           "criterion_page", "close_tree"]

#: The three buttons of each indicator.
CHOICES = ("Yes", "No", "Not sure")
#: Which button shows an answer's state ("" is no button chosen).
BUTTON_OF_STATE = {"yes": "Yes", "no": "No", "not sure": "Not sure", "": None}
_TOOLTIPS = ("Found on the portal", "Absent, or you could not find it (LOSI counts both as not met)",
             "Decide later (counts as not found for now)")


class IndicatorControls(NamedTuple):
    """The widgets of one indicator on the form (``form.controls[id]``).

    ``answer`` is the Yes / No / Not sure buttons (``None`` until chosen), ``evidence``
    and ``note`` are text boxes, ``box`` holds them with the indicator's text.

    Example:
        >>> import tempfile, pathlib
        >>> from losi_course.widgets import assessment_form
        >>> form = assessment_form(pathlib.Path(tempfile.mkdtemp()) / "v.json")
        >>> controls = form.controls["281"]
        >>> controls.answer.options, controls.answer.value
        (('Yes', 'No', 'Not sure'), None)
        >>> controls.answer.value = "Yes"     # what a click does
        >>> form.sheet["281"].state
        'yes'
    """

    answer: Any
    evidence: Any
    note: Any
    box: Any


def indicator_card(indicator: Indicator, answer, *, on_answer: Callable[[dict], None],
                   on_text: Callable[[str, dict], None]) -> IndicatorControls:
    """Draw one indicator with its answer; clicks call ``on_answer(change)``, typing ``on_text(field, change)``.

    Example:
        >>> from losi_course.assessment import Assessment
        >>> sheet = Assessment(); _ = sheet.set("206", "no", note="no search box")
        >>> card = indicator_card(sheet.instrument["206"], sheet.answers["206"],
        ...                       on_answer=print, on_text=print)
        >>> card.answer.value, card.note.value
        ('No', 'no search box')
    """
    import ipywidgets as w

    text = w.HTML(indicator_html(indicator))
    buttons = w.ToggleButtons(options=CHOICES, value=BUTTON_OF_STATE[answer.state], tooltips=_TOOLTIPS,
                              style={"button_width": "7em"})
    text_style = {"description_width": "5em"}
    evidence = w.Text(value=answer.evidence, description="Evidence", continuous_update=False,
                      placeholder="address (URL) of the page that shows it",
                      style=text_style, layout=w.Layout(width="95%"))
    note = w.Text(value=answer.note, description="Note", continuous_update=False,
                  placeholder="anything worth remembering (optional)",
                  style=text_style, layout=w.Layout(width="95%"))
    buttons.observe(on_answer, names="value")
    evidence.observe(lambda change: on_text("evidence", change), names="value")
    note.observe(lambda change: on_text("note", change), names="value")
    box = w.VBox([text, buttons, evidence, note],
                 layout=w.Layout(border="1px solid #ddd", padding="0.4em", margin="0.3em 0"))
    return IndicatorControls(buttons, evidence, note, box)


def page_titles(sheet: Assessment, focus: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The pages' titles: the session's graded indicators first when there are some, then the criteria.

    Example:
        >>> from losi_course.assessment import Assessment
        >>> page_titles(Assessment(), focus=("281", "215"))[0]
        "This session's 2 graded indicators — answered 0 / 2"
    """
    titles = criterion_titles(sheet)
    if not focus:
        return titles
    done = sum(1 for i in focus if sheet.answers[i].value is not None)
    return (f"This session's {len(focus)} graded indicators — answered {done} / {len(focus)}",) + titles


def criterion_page(sheet: Assessment, criterion: str, focus: tuple[str, ...],
                   card: Callable[[Indicator], IndicatorControls]):
    """The page of one criterion: a card for each of its indicators not already on the first page.

    Example:
        >>> from losi_course.assessment import Assessment
        >>> sheet = Assessment()
        >>> criterion = sheet.instrument["281"].criterion
        >>> page = criterion_page(sheet, criterion, ("281",),
        ...                       lambda i: indicator_card(i, sheet.answers[i.id], on_answer=print, on_text=print))
        >>> "281" in page.children[0].value   # the note that 281 is on the first page
        True
    """
    import ipywidgets as w

    children = []
    moved = [i.id for i in sheet.instrument.in_criterion(criterion) if i.id in focus]
    if moved:
        children.append(w.HTML(f"<i>{len(moved)} indicator(s) of this criterion are on the first page "
                               f"(graded in this session): {html.escape(', '.join(moved))}.</i>"))
    children += [card(indicator).box for indicator in sheet.instrument.in_criterion(criterion)
                 if indicator.id not in focus]
    return w.VBox(children)


def close_tree(widget) -> None:
    """Close a widget with its children, layout and style (they are widgets too).

    Example:
        >>> import ipywidgets as w
        >>> box = w.VBox([w.HTML("a")]); close_tree(box); box.comm is None
        True
    """
    for child in getattr(widget, "children", ()):
        close_tree(child)
    for part in ("layout", "style"):
        inner = getattr(widget, part, None)
        if inner is not None and hasattr(inner, "close"):
            inner.close()
    widget.close()
