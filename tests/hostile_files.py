"""Small files built to hurt a sheet reader, for the hardening tests and benchmarks.

Each builder writes one file and returns its path:

* :func:`sparse_xlsx`: a workbook with a header row and one cell at XFD1048576 (about
  5 KB; a reader that builds every empty cell before that one needs gigabytes);
* :func:`zip_bomb_xlsx`: the blank workbook whose sheet part expands to 1.5 GB (a real
  deflate stream, correct sizes and checksum), about 1.6 MB on disk;
* :func:`uncached_formula_xlsx`: a filled workbook whose value cells hold formulas without
  saved results, as programs that do not calculate write them;
* :func:`crc_broken_xlsx`: a workbook with one byte of its sheet changed (its checksum fails);
* :func:`padded_xlsx`: the blank workbook whose sheet carries 15 MB of empty XML elements
  (within every size limit, but millions of elements to parse);
* :func:`many_rows_csv`: a CSV sheet of a million rows;
* :func:`deep_json` / :func:`long_number_json`: JSON nested 200,000 deep, a 5000-digit number.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl

from losi_course.assessment import Assessment
from losi_course.framework import load_instrument
from losi_course.sheets import write_sheet, write_template

_MB = 1024 * 1024


def _raw_deflate(data: bytes) -> bytes:
    squeeze = zlib.compressobj(6, zlib.DEFLATED, -15)
    return squeeze.compress(data) + squeeze.flush()


def _write_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip of already deflated members ``(name, deflated, crc32, expanded size)``."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, deflated, crc, size in members:
        offset, encoded = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(deflated), size,
                              len(encoded), 0) + encoded + deflated)
        directory.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc,
                                    len(deflated), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    out.write(directory.getvalue())
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                          len(directory.getvalue()), start, 0))
    path.write_bytes(out.getvalue())
    return path


def _members(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def sparse_xlsx(path: Path) -> Path:
    """A workbook of a header row and one cell at XFD1048576 (about 5 KB)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Assessment"
    sheet.append(["id", "value"])
    sheet["XFD1048576"] = "x"
    book.save(path)
    return path


def zip_bomb_xlsx(path: Path, expanded: int = 1536 * _MB) -> Path:
    """The blank workbook whose Assessment sheet is one text cell of ``expanded`` bytes."""
    template = path.with_name(path.stem + "-template.xlsx")
    write_template(template)
    members = []
    for name, data in _members(template):
        if name != "xl/worksheets/sheet1.xml":
            members.append((name, _raw_deflate(data), zlib.crc32(data), len(data)))
            continue
        head = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>')
        tail = b"</t></is></c></row></sheetData></worksheet>"
        block = b"a" * _MB
        squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
        # After a full flush the compressor starts afresh, so every block compresses the same.
        first = squeeze.compress(head) + squeeze.flush(zlib.Z_FULL_FLUSH)
        repeated = squeeze.compress(block) + squeeze.flush(zlib.Z_FULL_FLUSH)
        count = (expanded - len(head) - len(tail)) // _MB
        deflated = first + repeated * count + squeeze.compress(tail) + squeeze.flush()
        crc = zlib.crc32(head)
        for _ in range(count):
            crc = zlib.crc32(block, crc)
        members.append((name, deflated, zlib.crc32(tail, crc), len(head) + count * _MB + len(tail)))
    template.unlink()
    return _write_zip(path, members)


def uncached_formula_xlsx(path: Path) -> Path:
    """A complete workbook whose first two value cells are formulas with no saved result."""
    write_sheet(Assessment.from_values({i: 1 for i in load_instrument().ids}, city="Velmora"), path)
    book = openpyxl.load_workbook(path)
    sheet = book["Assessment"]
    sheet["D2"] = '=IF(E2<>"",1,0)'
    sheet["D3"] = "=D2"
    book.save(path)  # openpyxl, like many programs, saves formulas without calculating them
    return path


def crc_broken_xlsx(path: Path) -> Path:
    """A workbook whose sheet part fails its checksum (one byte changed, sizes kept)."""
    write_template(path)
    members = []
    for name, data in _members(path):
        crc = zlib.crc32(data)
        if name == "xl/worksheets/sheet1.xml":
            at = data.index(b"<t>Official") + 3  # O becomes N: still well-formed, checksum wrong
            data = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]
        members.append((name, _raw_deflate(data), crc, len(data)))
    return _write_zip(path, members)


def padded_xlsx(path: Path, padding: int = 15 * _MB) -> Path:
    """The blank workbook with ``padding`` bytes of tiny elements after its cells."""
    write_template(path)
    members = []
    for name, data in _members(path):
        if name == "xl/worksheets/sheet1.xml":
            data = data.replace(b"</sheetData>", b"</sheetData><extLst>" + b"<x/>" * (padding // 4) + b"</extLst>")
        members.append((name, _raw_deflate(data), zlib.crc32(data), len(data)))
    return _write_zip(path, members)


def many_rows_csv(path: Path, rows: int = 1_000_000) -> Path:
    """A CSV sheet of ``rows`` rows (the ids repeat)."""
    ids = load_instrument().ids
    path.write_text("id,value\n" + "".join(f"{ids[k % len(ids)]},1\n" for k in range(rows)), encoding="utf-8")
    return path


def deep_json(path: Path, depth: int = 200_000) -> Path:
    """``{"answers": [[[[...]]]]}`` nested ``depth`` deep."""
    path.write_text('{"answers": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
    return path


def long_number_json(path: Path, digits: int = 5000) -> Path:
    """A JSON sheet whose first value is a ``digits``-digit integer."""
    path.write_text('{"answers": {"281": ' + "1" * digits + "}}", encoding="utf-8")
    return path
