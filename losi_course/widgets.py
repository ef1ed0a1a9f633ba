"""The assessment form: answer the LOSI indicators in a notebook, saved as you go.

``assessment_form("velmora.csv", city="Velmora", assessor="Ana")`` shows one page per
criterion. Each indicator has a Yes / No / Not sure choice, a box for the evidence (the
address of the page that shows the feature) and a box for a note. Every change is written
to the sheet file at once, so closing the browser or restarting the kernel loses nothing:
run the same cell again and the form opens the file where you left off.

How the form treats the file (the rules, in one place):

* **A new file** is written straight away as a blank sheet (with the city, assessor and
  today's date), so it appears in the file browser before the first answer.
* **An existing file** is opened and its answers shown. Details given to
  ``assessment_form`` (city, country, assessor, date) only fill fields that are empty in
  the file; if they differ from the file's, the file's are kept and a notice says so.
  An existing file is not rewritten until something changes (or until such a detail
  fills an empty field).
* **A file the form cannot read** (damaged, not an assessment sheet, another instrument)
  is never touched: :func:`assessment_form` raises :class:`~losi_course.errors.SheetError`
  (a :class:`~losi_course.errors.LosiInputError`) that names the file, says what is
  wrong and suggests a new file name. A file of zero bytes holds nothing to lose and is
  used as a new sheet.
* **A file changed by someone else** (another program, or a second form on the same file)
  after this form last saved it is not overwritten either: the status line says so and
  the answers stay in ``form.sheet``.
* **A save that fails** (disk full, no permission, a read-only file) is shown in the status
  line; the answers stay in memory and the next change tries again (or call ``form.save()``).
* **Text a sheet cannot hold** (control characters, over 32,767 characters) is cleaned, shown
  as saved, and the status line says so. Formula-like text (``=HYPERLINK(...)``) stays as typed.
* **While nbgrader grades** (the ``NBGRADER_EXECUTION`` variable is set) the form is not
  drawn: ``form.widget`` is a one-line note, but ``form.sheet``, ``form.set`` and
  ``form.score`` work as usual. Nothing in the form ever waits for input.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "velmora.csv"
    >>> form = assessment_form(path, city="Velmora", assessor="A. Tester")
    >>> form.set("281", "yes", evidence="https://velmora.example/")
    >>> form.status
    'Saved ... — 1 of 95 answered'
    >>> assessment_form(path).sheet["281"].evidence  # opened again later: nothing lost
    'https://velmora.example/'
"""

from __future__ import annotations

import datetime as _dt
import html
import os
from pathlib import Path
from typing import Any, Iterable

from .assessment import METADATA_KEYS, Assessment, clean_text
from .course import CourseFolder
from .errors import ChangedOutsideError, LosiInputError, SheetError
from .filesafety import FileGuard, free_name
from .form_cards import (BUTTON_OF_STATE, CHOICES, IndicatorControls, close_tree, criterion_page, indicator_card,
                         page_titles)
from .form_view import HELP_HTML, header_html, score_html
from .framework import load_instrument
from .scoring import LosiScore, score_assessment
from .sheets import SHEET_FORMATS, clean_line, cleaning_note, read_sheet, write_sheet

__all__ = ["assessment_form", "AssessmentForm", "IndicatorControls", "CHOICES"]

#: What each button records in the sheet.
_TO_SHEET = {"Yes": "yes", "No": "no", "Not sure": "not sure", None: ""}
_ERROR_STYLE = "color:#b00020;font-weight:bold"


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _now() -> str:
    return _dt.datetime.now().strftime("%H:%M:%S")


def _starting_sheet(start_from, edition: str) -> Assessment:
    """A copy of the answers a new form starts from (an assessment, or a sheet file)."""
    sheet = start_from.copy() if isinstance(start_from, Assessment) else read_sheet(start_from)
    if sheet.edition != edition:
        raise LosiInputError(f"The answers to start from are a LOSI {sheet.edition} sheet, and the form was "
                             f"asked for LOSI {edition}.")
    return sheet


_PLACEHOLDERS = {"your name", "your own name", "name", "..."}


def _is_placeholder(text: str) -> bool:
    """Text left from an instruction ("Your name"), not a real detail of the assessment."""
    return " ".join(text.split()).casefold() in _PLACEHOLDERS


def _why(error: Exception) -> str:  # why a save failed, after "could not be written"
    if isinstance(error, LosiInputError):  # refused (a read-only file, a folder) or no permission
        return ": " + getattr(error, "problem", str(error)).rstrip(".")
    return f" ({getattr(error, 'strerror', None) or f'{type(error).__name__}: {error}'})"


def _check_extension(path: Path) -> None:
    if path.suffix.lower() not in SHEET_FORMATS:
        suffix = path.suffix or "no extension"
        raise SheetError(
            path, f"the form saves answers to a .csv, .xlsx or .json file, so the file name must end "
                  f"in one of these; '{suffix}' is not supported. For example: "
                  f"assessment_form('{path.stem or 'assessment'}.csv').")


class AssessmentForm:
    """A LOSI assessment form bound to one sheet file; see :func:`assessment_form`.

    Attributes and methods for scripts and tests:

    * ``form.sheet``: the current :class:`~losi_course.assessment.Assessment`
    * ``form.path``: the file it saves to (a ``pathlib.Path``)
    * ``form.score``: the provisional :class:`~losi_course.scoring.LosiScore`
      (unanswered and "not sure" indicators count as not found)
    * ``form.set(id, value, evidence=None, note=None)``: answer as a click would
    * ``form.status`` / ``form.notice``: the status line and the notice, as text
    * ``form.saved``: False while the latest change is not on disk
    * ``form.widget``: the top-level widget; ``form.controls``: per-indicator widgets
    * ``form.save()``, ``form.save_as(path)``: save now, or to another (new) file
    * ``form.close()``: remove the widgets when you are done (the file is kept)

    Example:
        >>> import tempfile, pathlib
        >>> form = AssessmentForm(pathlib.Path(tempfile.mkdtemp()) / "velmora.xlsx", city="Velmora")
        >>> form.set("204", "no", note="Fixed-width layout")
        >>> form.saved, form.score.indicators_met, form.path.suffix
        (True, 0, '.xlsx')
    """

    def __init__(self, path: str | os.PathLike, edition: str | int = "2024", *, focus: Iterable[str] = (),
                 start_from: "Assessment | str | os.PathLike | None" = None, **metadata: object):
        instrument = load_instrument(edition)
        self.focus = tuple(instrument.resolve_id(i) for i in focus)
        instrument.require_complete("an assessment form")
        unknown = [key for key in metadata if key not in METADATA_KEYS]
        if unknown:
            raise LosiInputError(
                f"The form does not know the detail{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(repr(k) for k in unknown)}; it accepts {', '.join(METADATA_KEYS)} "
                "(for example city='Velmora', assessor='Ana Silva').")
        cleaned = {k: clean_line(v) for k, v in metadata.items() if v is not None}
        given = {k: v for k, v in cleaned.items() if v and not _is_placeholder(v)}
        self.path = Path(path)
        _check_extension(self.path)

        self.grading = bool(CourseFolder.grading())
        self.closed = False
        self.saved = False
        self.last_error = ""
        self.status = ""
        self.notice = ""
        self.controls: dict[str, IndicatorControls] = {}
        self._syncing = False
        self._guard = FileGuard(self.path)  # what is on disk now, to notice outside changes
        self._widgets: dict[str, Any] = {}

        notices = [n for n in (cleaning_note(f"The {k}", metadata[k], v) for k, v in given.items()) if n]
        needs_save = True
        if self.path.is_file() and self.path.stat().st_size == 0:
            notices.append(f"{self.path.name} was an empty file; the form uses it for a new assessment.")
            self.sheet = Assessment(instrument.edition)
        elif self.path.exists():
            self.sheet = self._open_existing(instrument.edition)
            needs_save = False
        elif start_from is not None:
            self.sheet = _starting_sheet(start_from, instrument.edition)
            notices.append("The form starts from the pre-filled answers; you keep the last word on each one.")
        else:
            self.sheet = Assessment(instrument.edition)
            given.setdefault("date", _dt.date.today().isoformat())

        placeholder = [k for k, v in metadata.items() if v is not None and _is_placeholder(str(v))]
        if placeholder:
            notices.append(f"Write your own {' and '.join(placeholder)} in place of '{metadata[placeholder[0]]}' in "
                           "the cell above, then run it again: the form records what you write there.")
        for key, value in given.items():
            current = self.sheet.metadata.get(key, "").strip()
            if _is_placeholder(current):
                current = ""  # a placeholder recorded earlier gives way to the real name
            if not current:
                self.sheet.metadata[key] = value
                needs_save = True
            elif _norm(current) != _norm(value):
                notices.append(
                    f"This file records {key} '{current}', not '{value}': the form keeps the file's. "
                    f"For a separate assessment, use a new file, e.g. assessment_form('{free_name(self.path).name}').")
        self.notice = " ".join(notices)

        if self.grading:
            self.widget = self._grading_note()
        else:
            self.widget = self._build()
        if needs_save:
            self.save()
        else:
            self._set_status(f"Opened {self.path.name} at {_now()} — {self._progress()}")
            self.saved = True

    # -- file ---------------------------------------------------------------------------
    def _open_existing(self, edition: str) -> Assessment:
        try:
            sheet = read_sheet(self.path)
        except SheetError as err:
            problem = err.problem if err.row is None else f"row {err.row}: {err.problem}"
            raise SheetError(self.path, self._refusal(problem)) from None
        if sheet.edition != edition:
            raise SheetError(self.path, self._refusal(
                f"it is a LOSI {sheet.edition} sheet, and the form was asked for LOSI {edition}."))
        self._guard.remember()
        return sheet

    def _refusal(self, problem: str) -> str:
        problem = problem.rstrip()
        if not problem.endswith("."):
            problem += "."
        return (f"the assessment form cannot open this file: {problem} The file was left unchanged. "
                "Fix it (or ask whoever made it), or start a new assessment in a new file, for example "
                f"assessment_form('{free_name(self.path)}').")

    def save(self) -> bool:
        """Write the sheet to ``form.path`` now; True if it worked (the status line says why not).

        Example:
            >>> import tempfile, pathlib
            >>> form = assessment_form(pathlib.Path(tempfile.mkdtemp()) / "v.csv")
            >>> form.save()
            True
        """
        try:
            write_sheet(self.sheet, self.path, guard=self._guard)  # the course's guarded, atomic save
        except ChangedOutsideError:
            self._save_failed(
                f"{self.path.name} was changed outside this form (by another program, or by another form "
                "on the same file) after this form last saved it, so the form will not overwrite it",
                "Your answers are still here, in form.sheet. Run the cell that opens the form again to load "
                "the file as it is now, or keep this form's answers in a new file with "
                f"form.save_as('{free_name(self.path).name}').")
            return False
        except Exception as err:  # never let a save break a click; say what happened
            self._save_failed(f"{self.path} could not be written{_why(err)}")
            return False
        self._guard.remember()
        self.saved = True
        self.last_error = ""
        self._set_status(f"Saved {_now()} — {self._progress()}")
        return True

    def _save_failed(self, reason: str, advice: str = "") -> None:
        self.saved = False
        self.last_error = reason
        advice = advice or ("Your answers are kept in this notebook while the kernel runs, and the next change "
                            "tries again. Free some disk space or fix the folder's permissions, or save to "
                            "another file with form.save_as('other-name.csv').")
        self._set_status(f"⚠ Not saved ({_now()}): {reason}. {advice}", error=True)

    def save_as(self, path: str | os.PathLike) -> bool:
        """Save to a new file and keep saving there; an existing file is never overwritten.

        Example:
            >>> import tempfile, pathlib
            >>> folder = pathlib.Path(tempfile.mkdtemp())
            >>> form = assessment_form(folder / "v.csv")
            >>> form.save_as(folder / "v-copy.json"), form.path.name
            (True, 'v-copy.json')
        """
        new = Path(path)
        _check_extension(new)
        if new.exists():
            if new.resolve() == self.path.resolve():
                return self.save()  # the same file: an ordinary save, with the same safety checks
            raise LosiInputError(
                f"{new} already exists; the form does not overwrite other files. "
                f"Choose a name that is not used, for example '{free_name(new).name}'.")
        self.path = new
        self._guard.remember(new)
        self._refresh_header()
        return self.save()

    def close(self) -> None:
        """Remove the form's widgets (frees memory); ``form.sheet`` and the file stay as they are.

        Example:
            >>> import tempfile, pathlib
            >>> form = assessment_form(pathlib.Path(tempfile.mkdtemp()) / "v.csv")
            >>> form.close()
            >>> form.set("281", "yes")
            Traceback (most recent call last):
            ...
            losi_course.errors.LosiInputError: This form was closed. Open the file again with assessment_form('...v.csv').
        """
        self.closed = True
        close_tree(self.widget)
        self.controls = {}
        self._widgets = {}

    # -- answers ------------------------------------------------------------------------
    def set(self, indicator_id: str, value: object, evidence: str | None = None,
            note: str | None = None) -> None:
        """Answer one indicator (as clicking would), update the form and save.

        ``value``: yes/no, 1/0, ``"not sure"``, or ``None``/``""`` to clear. ``evidence``
        and ``note`` left as ``None`` keep what was there.

        Example:
            >>> import tempfile, pathlib
            >>> form = assessment_form(pathlib.Path(tempfile.mkdtemp()) / "v.csv")
            >>> form.set("281", 1, evidence="https://velmora.example/")
            >>> form.set("215", "not sure")
            >>> form.controls["281"].answer.value, form.controls["215"].answer.value
            ('Yes', 'Not sure')
        """
        if self.closed:
            raise LosiInputError(f"This form was closed. Open the file again with assessment_form('{self.path}').")
        key = self.sheet.instrument.resolve_id(indicator_id)
        self.sheet.set(key, value, evidence=evidence, note=note)  # validates the value first
        self._sync_widgets(key)
        self._changed()
        self._tell([cleaning_note(f"The {f} of {key}", given, getattr(self.sheet.answers[key], f))
                    for f, given in (("evidence", evidence), ("note", note)) if given is not None])

    @property
    def score(self) -> LosiScore:
        """The provisional score: unanswered and "not sure" indicators count as not found.

        Example:
            >>> import tempfile, pathlib
            >>> form = assessment_form(pathlib.Path(tempfile.mkdtemp()) / "v.csv")
            >>> form.set("281", "yes")
            >>> form.score.indicators_met, len(form.score.unanswered)
            (1, 94)
        """
        return score_assessment(self.sheet, unanswered="not found")

    def _progress(self) -> str:
        total, unsure = len(self.sheet.answers), len(self.sheet.not_sure)
        return f"{total - len(self.sheet.unanswered)} of {total} answered" + (f", {unsure} not sure" if unsure else "")

    def _changed(self) -> None:
        self.save()
        self._refresh_scores()

    # -- widget callbacks (what clicks and typing do) -------------------------------------
    def _on_answer(self, key: str, change: dict) -> None:
        if self._syncing:
            return
        try:
            self.sheet.set(key, _TO_SHEET.get(change["new"], change["new"]))
            self._changed()
        except Exception as err:  # a callback's error would vanish into the log; show it
            self._set_status(f"⚠ That answer was not recorded ({type(err).__name__}: {err}).", error=True)

    def _on_text(self, key: str, field: str, change: dict) -> None:
        if self._syncing:
            return
        try:
            cleaned = clean_text(change["new"])
            setattr(self.sheet.answers[key], field, cleaned)
            if cleaned != str(change["new"] or "").strip():
                self._sync_widgets(key)  # the box shows what was saved
            self._changed()
            self._tell([cleaning_note(f"The {field} of {key}", change["new"], cleaned)])
        except Exception as err:
            self._set_status(f"⚠ That text was not recorded ({type(err).__name__}: {err}).", error=True)

    def _sync_widgets(self, key: str) -> None:
        controls = self.controls.get(key)
        if controls is None:
            return
        answer = self.sheet.answers[key]
        self._syncing = True
        try:
            controls.answer.value = BUTTON_OF_STATE[answer.state]
            controls.evidence.value = answer.evidence
            controls.note.value = answer.note
        finally:
            self._syncing = False

    # -- display --------------------------------------------------------------------------
    def _tell(self, notes: list[str]) -> None:  # what cleaning did to the user's text, on the status line
        told = " ".join(note for note in notes if note)
        if told:
            self._set_status(f"{self.status} ℹ {told}", error=not self.saved)

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status = text
        status = self._widgets.get("status")
        if status is not None:
            style = _ERROR_STYLE if error else "color:#1b5e20"
            status.value = f'<div style="{style}">{html.escape(text)}</div>'

    def _grading_note(self):
        import ipywidgets as w

        return w.HTML("<i>The form is not shown while grading. The answers come from "
                      f"{html.escape(self.path.name)}.</i>")

    def _refresh_header(self) -> None:
        if "header" in self._widgets:
            self._widgets["header"].value = header_html(self.sheet, self.path)

    def _refresh_scores(self) -> None:
        if "score" in self._widgets:
            self._widgets["score"].value = score_html(self.score)
            self._widgets["pages"].titles = self._page_titles()

    def _card(self, indicator) -> IndicatorControls:
        key = indicator.id
        controls = indicator_card(indicator, self.sheet.answers[key],
                                  on_answer=lambda change: self._on_answer(key, change),
                                  on_text=lambda field, change: self._on_text(key, field, change))
        self.controls[key] = controls
        return controls

    def _page_titles(self) -> tuple[str, ...]:
        return page_titles(self.sheet, self.focus)

    def _criterion_page(self, criterion: str):
        return criterion_page(self.sheet, criterion, self.focus, self._card)

    def _on_open_page(self, change: dict) -> None:
        index = change.get("new")
        pages = self._widgets["pages"]
        if index is None or index == 0 or pages.children[index].children:
            return
        criterion = self.sheet.instrument.criteria[index - 1]
        pages.children[index].children = self._criterion_page(criterion).children

    def _build(self):
        import ipywidgets as w

        instrument = self.sheet.instrument
        pages = []
        if self.focus:
            pages.append(w.VBox([self._card(instrument[i]).box for i in self.focus]))
        for criterion in instrument.criteria:
            # With a session's indicators first, the other pages are built when opened: a form
            # of 95 cards costs a second to draw, and most sessions need only their own page.
            pages.append(w.VBox([]) if self.focus else self._criterion_page(criterion))
        self._widgets["header"] = w.HTML(header_html(self.sheet, self.path))
        self._widgets["score"] = w.HTML()
        self._widgets["notice"] = w.HTML(
            f'<div style="color:#8a4b00">ℹ {html.escape(self.notice)}</div>' if self.notice else "")
        self._widgets["status"] = w.HTML()
        help_text = w.HTML(HELP_HTML)
        self._widgets["pages"] = w.Accordion(children=pages, titles=self._page_titles(), selected_index=0)
        if self.focus:
            self._widgets["pages"].observe(self._on_open_page, names="selected_index")
        self._refresh_scores()
        return w.VBox([self._widgets["header"], self._widgets["score"], self._widgets["notice"],
                       self._widgets["status"], help_text, self._widgets["pages"]])

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def __repr__(self) -> str:
        city = self.sheet.city or "no city"
        return f"<AssessmentForm {self.path.name!r} ({city}): {self._progress()}; {self.status}>"


def assessment_form(path: str | os.PathLike, edition: str | int = "2024", *, focus: Iterable[str] = (),
                    start_from: "Assessment | str | os.PathLike | None" = None,
                    **metadata: object) -> AssessmentForm:
    """Open (or start) the assessment form for one sheet file; show it as a cell's last line.

    ``path`` ends in .csv, .xlsx or .json (the sheet's format). ``metadata``: ``city``,
    ``country``, ``assessor``, ``date``; they fill empty fields only (see the module
    notes for how new, existing, damaged and changed files are handled). ``date`` defaults to
    today's for a new sheet: give the assessment's stated date when there is one. ``focus``
    lists indicators to show first, on a page of their own (a session's graded indicators).
    ``start_from`` (an assessment or a sheet, e.g. the pre-check's pre-filled sheet) gives the
    answers a *new* file starts with; an existing file always opens as it is.

    Raises :class:`~losi_course.errors.SheetError` for an unsupported extension (before
    anything is written) and for a file that exists but cannot be read as a sheet (left
    unchanged; the message suggests a new file name).

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> form = assessment_form(folder / "velmora.csv", city="Velmora")
        >>> form.path.exists(), form.sheet.city
        (True, 'Velmora')
        >>> _ = (folder / "notes.csv").write_text("this is not a sheet")
        >>> assessment_form(folder / "notes.csv")
        Traceback (most recent call last):
        ...
        losi_course.errors.SheetError: .../notes.csv: the assessment form cannot open this file: ... The file was left unchanged. ... assessment_form('.../notes-2.csv').
    """
    return AssessmentForm(path, edition, focus=focus, start_from=start_from, **metadata)
