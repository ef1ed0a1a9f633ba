"""The peers a scorecard compares a city with: read from a table, a folder of sheets or Python.

PEERS can be:

* **a CSV table** of cities x indicators: the first column names the cities (any header),
  every other column is a LOSI 2024 indicator id (``281`` or ``#281``) and every cell 0 or 1
  (yes/no and true/false are accepted). Comma or semicolon separated, as Excel saves it. Lines
  before the header of the form ``# key: value`` carry metadata: ``# fictional: yes`` marks
  invented data, ``# country:`` and ``# notice:`` describe it. :func:`write_peer_table` writes
  this format (the fictional flag of a table included);
* **a folder of assessment sheets** (``.csv``, ``.xlsx``, ``.json``, read with
  :func:`~losi_course.sheets.read_sheet`): one peer per sheet, named by the sheet's city (or
  the file name). A sheet whose country says "fictional" marks the peers as fictional;
* in Python, also **a table** (``pandas.DataFrame``, e.g. ``sample_city.peers()``; its
  ``attrs["fictional"]`` is kept) or **a list of assessments**.

Every problem (a missing file, a column that is not an indicator, a cell that is not 0 or 1, a
peer with the city's own name) is a :class:`~losi_course.errors.LosiInputError` that says
what PEERS can be.

Example:
    >>> from losi_course.velmora.peers import peers
    >>> group = read_peers(peers(), city="Velmora")
    >>> len(group), group.fictional
    (28, True)
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..assessment import ANSWER_HELP, Assessment, parse_answer
from ..errors import LosiInputError
from ..filesafety import atomic_write
from ..framework import load_instrument
from ..scoring import answer_matrix
from ..sheets import SHEET_FORMATS, read_sheet

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PeerGroup", "read_peers", "write_peer_table", "PEERS_HELP", "is_fictional_text"]

PEERS_HELP = (
    "PEERS can be a CSV table (first column: the cities; one column per indicator id; cells 0 or 1) "
    "or a folder of assessment sheets (.csv, .xlsx or .json)"
)
_YES_WORDS = {"1", "yes", "true"}


def is_fictional_text(text: object) -> bool:
    """Whether a country or notice says its data are fictional.

    Example:
        >>> is_fictional_text("Estoria (fictional)"), is_fictional_text("Greece")
        (True, False)
    """
    return "fictional" in str(text or "").lower()


@dataclass(frozen=True)
class PeerGroup:
    """The peers of a scorecard: their 0/1 answers and where they came from.

    ``answers``: cities x the 95 indicators (catalog order), 0 or 1; ``source``: a phrase for the
    page ("the table peers.csv"); ``fictional``: whether the data are invented; ``notice``: what
    the data say about themselves (e.g. the fictional country's notice).

    Example:
        >>> import pandas as pd
        >>> ids = load_instrument().ids
        >>> group = read_peers(pd.DataFrame([[1] * 95, [0] * 95], index=["North", "South"], columns=ids))
        >>> group.names, group.fictional
        (['North', 'South'], False)
    """

    answers: "pd.DataFrame"
    source: str
    fictional: bool = False
    country: str = ""
    notice: str = ""
    left_out: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.answers)

    @property
    def names(self) -> list[str]:
        return [str(name) for name in self.answers.index]


def read_peers(peers: object, *, city: str = "", exclude: str | os.PathLike | None = None,
               partial: bool = False, edition: str = "2024") -> PeerGroup | None:
    """Read PEERS (a CSV table, a folder of sheets, a DataFrame, assessments) into a :class:`PeerGroup`.

    ``city``: the assessed city, refused as its own peer. ``exclude``: a sheet to leave out of a
    folder (the city's own). ``partial``: count a peer's unanswered indicators as not found
    (otherwise they are an error). ``None`` gives ``None`` (no peers).

    Example:
        >>> read_peers("no-such-peers.csv")
        Traceback (most recent call last):
        ...
        losi_course.errors.LosiInputError: The peers 'no-such-peers.csv' do not exist. PEERS can be a CSV table (first column: the cities; one column per indicator id; cells 0 or 1) or a folder of assessment sheets (.csv, .xlsx or .json).
    """
    if peers is None or isinstance(peers, PeerGroup):
        return peers
    import pandas as pd

    if isinstance(peers, pd.DataFrame):
        country = peers.attrs.get("country")
        group = _from_frame(peers, f"municipalities of {country}" if country else "a table of cities", edition)
    elif isinstance(peers, (str, os.PathLike)):
        path = Path(peers)
        if not path.exists():
            raise LosiInputError(f"The peers '{path}' do not exist. {PEERS_HELP}.")
        if path.is_dir():
            group = _from_folder(path, exclude, partial, edition)
        else:
            group = _from_csv(path, partial, edition)
    elif isinstance(peers, Iterable) and not isinstance(peers, (bytes, dict)):
        items = list(peers)
        if not items or not all(isinstance(item, Assessment) for item in items):
            raise LosiInputError(f"Peers given as a list must be assessments. {PEERS_HELP}.")
        group = _from_assessments(items, [f"assessment {k + 1}" for k in range(len(items))],
                                  "assessments", partial, edition)
    else:
        raise LosiInputError(f"Peers cannot be a {type(peers).__name__}. {PEERS_HELP}.")
    if city and city.strip().lower() in {name.strip().lower() for name in group.names}:
        raise LosiInputError(
            f"The peers ({group.source}) include {city}, the city of the scorecard itself. Peers are "
            "the other cities it is compared with: leave its row or sheet out."
        )
    return group


def _from_frame(table: "pd.DataFrame", source: str, edition: str) -> PeerGroup:
    import pandas as pd

    if table.empty:
        raise LosiInputError(f"The peers ({source}) hold no city. {PEERS_HELP}.")
    names = [str(name) for name in table.index]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise LosiInputError(f"The peers ({source}) name {', '.join(twice)} more than once; keep one row per city.")
    instrument = load_instrument(edition)
    matrix = answer_matrix(table, instrument)  # checks columns and 0/1 cells, with clear errors
    answers = pd.DataFrame(matrix.astype(int), index=pd.Index(names, name=table.index.name or "city"),
                           columns=list(instrument.ids))
    attrs = dict(table.attrs)
    fictional = bool(attrs.get("fictional")) or is_fictional_text(attrs.get("country"))
    answers.attrs.update(attrs, fictional=fictional)
    return PeerGroup(answers, source, fictional, str(attrs.get("country", "")), str(attrs.get("notice", "")))


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw[:4096]:
        raise LosiInputError(f"The peers file {path.name} is not a text CSV file. {PEERS_HELP}.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # Excel on Windows saves "CSV" in the ANSI code page
        return raw.decode("cp1252", errors="replace")


def _from_csv(path: Path, partial: bool, edition: str) -> PeerGroup:
    import pandas as pd

    if path.suffix.lower() != ".csv":
        raise LosiInputError(f"The peers file {path.name} is not a .csv table. {PEERS_HELP}.")
    try:
        text = _decode(path, path.read_bytes())
    except OSError as err:
        raise LosiInputError(f"The peers file {path} cannot be opened ({err.strerror or err}).") from None
    lines = text.splitlines()
    start = next((k for k, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), None)
    if start is None:
        raise LosiInputError(f"The peers file {path.name} is empty. {PEERS_HELP}.")
    metadata = {}
    for line in lines[:start]:
        key, colon, value = line.strip().lstrip("#").partition(":")
        if colon:
            metadata[key.strip().lower()] = value.strip().strip(",;").strip()
    delimiter = ";" if lines[start].count(";") > lines[start].count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=delimiter))
    except csv.Error as err:
        raise LosiInputError(f"The peers file {path.name} is not a well-formed CSV file ({err}).") from None
    header, body = rows[0], [row for row in rows[1:] if any(cell.strip() for cell in row)]
    names = {cell.strip().lower() for cell in header}
    if {"id", "value"} <= names:
        raise LosiInputError(
            f"{path.name} looks like one assessment sheet (it has id and value columns), not a table of "
            f"peers. Put the peers' sheets in a folder and give the folder, or give a table. {PEERS_HELP}."
        )
    if not body:
        raise LosiInputError(f"The peers file {path.name} has a header but no city. {PEERS_HELP}.")
    values = []
    for number, row in enumerate(body, start=start + 2):
        cells = (row + [""] * len(header))[1:len(header)]
        values.append([_cell(path, number, header[k + 1], cell, partial) for k, cell in enumerate(cells)])
    table = pd.DataFrame(values, index=[row[0].strip() for row in body], columns=[h.strip() for h in header[1:]])
    table.index.name = header[0].strip() or "city"
    table.attrs["fictional"] = metadata.get("fictional", "").lower() in _YES_WORDS
    for key in ("country", "notice"):
        if metadata.get(key):
            table.attrs[key] = metadata[key]
    try:
        return _from_frame(table, f"the table {path.name}", edition)
    except LosiInputError as err:
        raise LosiInputError(f"{path.name}: {err}") from None


def _cell(path: Path, number: int, column: str, cell: str, partial: bool) -> int:
    try:
        value, _ = parse_answer(cell)
    except ValueError:
        raise LosiInputError(f"{path.name}, row {number}: '{cell.strip()}' in column {column.strip()} is not "
                             f"an answer: {ANSWER_HELP}.") from None
    if value is None:
        if partial:
            return 0
        raise LosiInputError(f"{path.name}, row {number}: column {column.strip()} has no answer. Fill it in, "
                             "or count unanswered indicators as not found (--partial).")
    return value


def _from_folder(folder: Path, exclude, partial: bool, edition: str) -> PeerGroup:
    own = Path(exclude).resolve() if exclude is not None else None
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SHEET_FORMATS
                   and not p.name.startswith((".", "~$")))  # hidden files, Excel's lock files
    left_out = tuple(p.name for p in files if p.resolve() == own)
    files = [p for p in files if p.resolve() != own]
    if not files:
        raise LosiInputError(f"The folder {folder} holds no assessment sheet of a peer. {PEERS_HELP}.")
    sheets = [read_sheet(p, edition) for p in files]
    group = _from_assessments(sheets, [s.city or p.stem for s, p in zip(sheets, files)],
                              f"{len(files)} sheets in the folder {folder.name}", partial, edition,
                              files=[p.name for p in files])
    return PeerGroup(group.answers, group.source, group.fictional, group.country, group.notice, left_out)


def _from_assessments(sheets: list[Assessment], names: list[str], source: str, partial: bool,
                      edition: str, files: list[str] | None = None) -> PeerGroup:
    import pandas as pd

    ids = list(load_instrument(edition).ids)
    rows = []
    for k, sheet in enumerate(sheets):
        if sheet.edition != edition:
            raise LosiInputError(f"The peer {names[k]} is a LOSI {sheet.edition} sheet; the scorecard uses LOSI {edition}.")
        if sheet.unanswered and not partial:
            where = files[k] if files else names[k]
            raise LosiInputError(
                f"The peer {where} has {len(sheet.unanswered)} indicator(s) without a yes/no answer "
                f"({', '.join(sheet.unanswered[:5])}{' ...' if len(sheet.unanswered) > 5 else ''}). Complete it, or "
                "count unanswered indicators as not found (--partial)."
            )
        values = sheet.values()
        rows.append([values[i] or 0 for i in ids])
    table = pd.DataFrame(rows, index=names, columns=ids)
    countries = sorted({s.country for s in sheets if s.country})
    table.attrs["fictional"] = any(is_fictional_text(c) for c in countries)
    if countries:
        table.attrs["country"] = ", ".join(countries)
    return _from_frame(table, source, edition)


def write_peer_table(table: "pd.DataFrame", path: str | os.PathLike) -> Path:
    """Write a cities x indicators table of 0/1 answers as a peers CSV (its fictional flag kept).

    Example:
        >>> import tempfile
        >>> from losi_course.velmora.peers import peers
        >>> out = write_peer_table(peers(), Path(tempfile.mkdtemp()) / "estoria-peers.csv")
        >>> out.read_text(encoding="utf-8-sig").splitlines()[0]
        '# fictional: yes'
        >>> read_peers(out).fictional, len(read_peers(out))
        (True, 28)
    """
    group = _from_frame(table, "the table to write", "2024")
    buffer = io.StringIO()
    if group.fictional:
        buffer.write("# fictional: yes\n")
    for key in ("country", "notice"):
        if table.attrs.get(key):
            buffer.write(f"# {key}: {' '.join(str(table.attrs[key]).split())}\n")
    group.answers.to_csv(buffer, lineterminator="\n")
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise LosiInputError(f"A peers table is written as .csv; '{path.name}' has another extension.")
    atomic_write(path, buffer.getvalue().encode("utf-8-sig"))  # the BOM: Excel reads it as UTF-8
    return path
