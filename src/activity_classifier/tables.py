"""Reading and writing tables (CSV and Excel) safely.

Reading accepts what researchers and annotators really have: UTF-8 with or without BOM, Windows-1252 as
Dutch Excel writes it, comma-, semicolon- or tab-separated CSV, and ``.xlsx``. Every cell is read as text,
so ids such as ``007`` survive. Problems become :class:`~activity_classifier.exceptions.InputDataError`
naming the file, the row (counted as a spreadsheet does: the header is row 1) and the column.

Writing is atomic: the table goes to a temporary file in the target folder, which is then renamed, so a
failure never leaves a half-written output, and an input is never overwritten.

Texts that look like formulas
-----------------------------
Excel runs a cell that begins with ``=`` as a formula, and in a CSV file also one that begins with ``+``,
``-``, ``@``, a tab or a carriage return (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``, ``+31 6 ...``). The
library therefore

* writes every text of an ``.xlsx`` file as a string cell, never a formula (:func:`string_cells`), and
  marks those that Excel would re-evaluate when an annotator edits them with Excel's own text marker
  (``quotePrefix``), which is a style and not part of the value;
* prefixes such a CSV cell with one apostrophe, as OWASP recommends (:func:`neutralise_formula`); a text
  that already begins with apostrophes before such a character gets one more, so the rule is reversible;
* takes exactly that one apostrophe away again when it reads a CSV file (:func:`restore_formula`), so a
  text comes back byte for byte. Numbers are written as numbers.
"""

from __future__ import annotations

import codecs
import csv
import glob
import io
import itertools
import math
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .exceptions import EmptyInputError, InputDataError

__all__ = [
    "CSV_DIALECTS",
    "CSV_SUFFIXES",
    "EXCEL_SUFFIXES",
    "FORMULA_TRIGGERS",
    "MAX_INPUT_BYTES",
    "MAX_UNPACKED_BYTES",
    "MAX_XLSX_CELLS",
    "MAX_XLSX_ROWS",
    "MAX_ZIP_RATIO",
    "CsvDialect",
    "atomic_write",
    "check_zip",
    "decode_text",
    "escape_xlsx_text",
    "find_column",
    "iter_table",
    "neutralise_formula",
    "read_table",
    "remove_stale_temporaries",
    "restore_formula",
    "sheet_row",
    "sniff_csv_dialect",
    "string_cells",
    "unescape_xlsx_text",
    "write_table",
    "write_table_chunks",
]

CSV_SUFFIXES = (".csv", ".tsv")
EXCEL_SUFFIXES = (".xlsx",)
#: Refuse input files larger than this when a whole table is read at once (:func:`read_table`); a
#: learner-report table is far smaller. :func:`iter_table` reads a CSV file of any size in chunks.
MAX_INPUT_BYTES = 200 * 1024 * 1024
#: An ``.xlsx`` sheet may hold (or declare, in its ``<dimension>``) at most this many cells; it is read in
#: chunks, but a sheet of more cells than this is refused before it fills memory.
MAX_XLSX_CELLS = 10_000_000
#: Excel's own limit of rows in a worksheet, the header included.
MAX_XLSX_ROWS = 1_048_576
#: A chunk of :func:`iter_table` holds at most this many cells (fewer rows than asked for in a wide table).
_CHUNK_CELLS = 2_000_000
#: Bytes read at a time when a file's encoding is decided.
_BLOCK = 1 << 20
#: An ``.xlsx`` or ``.docx`` (a zip) may unpack to at most this many bytes, all its parts together.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
#: A part larger than 1 MB may unpack to at most this many times its packed size (a zip bomb unpacks to
#: a thousand times its size; spreadsheet XML to some 5 to 30 times).
MAX_ZIP_RATIO = 100
_RATIO_FROM_BYTES = 1024 * 1024


#: First characters that make Excel read a CSV cell as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_MARK = "'"


def _looks_like_formula(text: str) -> bool:
    # Leading apostrophes are skipped, so that a text which already starts with the mark gets one more and
    # restore_formula can tell the two apart.
    return text.lstrip(_MARK)[:1] in FORMULA_TRIGGERS and text.lstrip(_MARK) != ""


def neutralise_formula(text: str) -> str:
    """Return ``text`` as a CSV cell Excel shows as text: one apostrophe before a formula-like start.

    Examples
    --------
    >>> neutralise_formula("=1+1"), neutralise_formula("- Webinar"), neutralise_formula("Webinar")
    ("'=1+1", "'- Webinar", 'Webinar')
    >>> neutralise_formula("'=1+1"), neutralise_formula("'s Avonds")
    ("''=1+1", "'s Avonds")
    """
    return _MARK + text if _looks_like_formula(text) else text


def restore_formula(text: str) -> str:
    """Undo :func:`neutralise_formula`: remove the one apostrophe it added, and nothing else.

    Examples
    --------
    >>> restore_formula("'=1+1"), restore_formula("''=1+1"), restore_formula("'s Avonds")
    ('=1+1', "'=1+1", "'s Avonds")
    >>> all(restore_formula(neutralise_formula(t)) == t for t in ["+31 6", "'", "''@x", "=", ""])
    True
    """
    return text[1:] if text.startswith(_MARK) and _looks_like_formula(text) else text


def _cell_value(value: Any) -> Any:
    """Return a value openpyxl can store: numpy scalars as Python values, missing and non-finite as empty."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return None if pd.isna(value) else str(value)


def string_cells(worksheet: Any, values: Iterable[Any]) -> list[Any]:
    """Return openpyxl cells for one row of ``worksheet``: every text a string cell, never a formula.

    openpyxl stores a text that begins with ``=`` as a formula; these cells keep it as the text it is.
    A character XML cannot hold (a control character) is written as ``_xHHHH_`` (:func:`escape_xlsx_text`),
    which :func:`read_table` turns back.
    A text Excel would evaluate once an annotator edits the cell also gets Excel's text marker
    (``quotePrefix``, a style that is not part of the value). Pass the list to ``worksheet.append``.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> ws.append(string_cells(ws, ["=1+1", 2.5, None]))
    >>> [(c.value, c.data_type) for c in ws[1]]
    [('=1+1', 's'), (2.5, 'n'), (None, 'n')]
    """
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:
        value = _cell_value(value)
        cell = Cell(worksheet, row=1, column=1, value=escape_xlsx_text(value) if isinstance(value, str) else value)
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if _looks_like_formula(cell.value):
                cell.quotePrefix = True
        cells.append(cell)
    return cells


#: Characters an XML 1.0 file (and so an ``.xlsx``) cannot hold: control characters other than tab, line
#: feed and carriage return, and lone surrogates.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_OOXML_LITERAL = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_OOXML_CODE = re.compile("_x([0-9A-Fa-f]{4})_")


def escape_xlsx_text(text: str) -> str:
    r"""Make ``text`` storable in an ``.xlsx`` cell the way OOXML does: a forbidden character as ``_xHHHH_``.

    A text that already holds ``_xHHHH_`` gets its underscore escaped (``_x005F_``), as Excel does, so
    :func:`unescape_xlsx_text` gives back exactly the original, and Excel shows the original too.

    Examples
    --------
    >>> escape_xlsx_text("Web\x01inar"), escape_xlsx_text("_x0041_")
    ('Web_x0001_inar', '_x005F_x0041_')
    >>> all(unescape_xlsx_text(escape_xlsx_text(t)) == t for t in ["\x00\x1f", "_x005F_", "a_x12", ""])
    True
    """
    if "_x" in text:
        text = _OOXML_LITERAL.sub("_x005F_", text)
    return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def unescape_xlsx_text(text: str) -> str:
    """Undo :func:`escape_xlsx_text` (and Excel's own ``_xHHHH_`` escapes) in a text read from ``.xlsx``."""
    return _OOXML_CODE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def check_zip(path: str | Path, kind: str) -> None:
    """Refuse a zip-based file (``.xlsx``, ``.docx``) that would unpack to too much, before reading it.

    The limits are :data:`MAX_UNPACKED_BYTES` for all parts together and :data:`MAX_ZIP_RATIO` for any
    part over 1 MB. The sizes are those the zip declares; :mod:`zipfile` never unpacks a part beyond its
    declared size (a part that holds more fails its check), so a lying header cannot get past them.

    A file that is not a zip at all passes: the reader of its format reports it.

    Raises
    ------
    InputDataError
        If the file exceeds a limit (the message names the part). ``kind`` names the format in messages.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        return  # not a zip at all: the reader of the format says so in its own words
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise InputDataError(
            f"refused: this {kind} unpacks to {total // 2**20} MB, more than the limit of "
            f"{MAX_UNPACKED_BYTES // 2**20} MB (a zip bomb?)",
            path=str(path),
        )
    for info in infos:
        if info.file_size > _RATIO_FROM_BYTES and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise InputDataError(
                f"refused: part {info.filename} unpacks to {info.file_size // max(info.compress_size, 1)} times "
                f"its size, more than the limit of {MAX_ZIP_RATIO} (a zip bomb?)",
                path=str(path),
            )


def sheet_row(index: int) -> int:
    """Spreadsheet row number of the data row at 0-based ``index`` (the header is row 1)."""
    return int(index) + 2


#: A multi-byte UTF-8 sequence; Windows-1252 text practically never contains one.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def decode_text(data: bytes, path: str | Path, *, save_as: str = "UTF-8 CSV") -> str:
    r"""Decode a text file's bytes: UTF-8 (with or without BOM), else Windows-1252 as Dutch Excel writes it.

    The choice is made per file. A file that is not valid UTF-8 but holds UTF-8 sequences (accented
    letters as UTF-8) is UTF-8 with a damaged byte: it is refused, naming the line and the byte, rather
    than decoded as Windows-1252, which would garble every accented letter without a word.

    Raises
    ------
    InputDataError
        If the file looks binary (or UTF-16), is UTF-8 with an invalid byte, or neither encoding fits;
        the message says to save it as ``save_as``.

    Examples
    --------
    >>> decode_text("café".encode("cp1252"), "a.csv")
    'café'
    >>> decode_text("café\nthé ".encode() + b"\xff", "a.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    activity_classifier.exceptions.InputDataError: a.csv, row 2: invalid UTF-8 byte 0xff at byte 12 of the file ...
    """
    encoding = _encoding([data], path, save_as=save_as)
    return data.decode(encoding)


def _encoding(blocks: Iterable[bytes], path: str | Path, *, save_as: str) -> str:
    """Decide the encoding of a file read as consecutive ``blocks``: ``utf-8-sig`` or ``cp1252``.

    The rules of :func:`decode_text`, applied without holding the file: a file of any size is read once,
    one block at a time.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = newlines = 0  # bytes and line feeds before the current block
    error: tuple[int, int, int] | None = None  # the first invalid byte: (value, position, line)
    has_sequence = False
    cp1252 = True
    tail = b""
    for index, block in enumerate(blocks):
        if index == 0:
            if b"\x00" in block[:4096]:
                raise InputDataError(f"file looks binary (or UTF-16); save it as {save_as}", path=str(path))
            if block.startswith(codecs.BOM_UTF8):
                block, offset = block[3:], 3
        if error is None:
            buffered = decoder.getstate()[0]
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                start = exc.start - len(buffered)  # the decoder's buffered bytes come before the block
                line = newlines + block.count(b"\n", 0, max(start, 0)) + 1
                error = ((buffered + block)[exc.start], offset + start, line)
        has_sequence = has_sequence or bool(_UTF8_SEQUENCE.search(tail + block))
        if cp1252:
            try:
                block.decode("cp1252")
            except UnicodeDecodeError:
                cp1252 = False
        newlines += block.count(b"\n")
        offset += len(block)
        tail = block[-3:]
    if error is None:
        buffered = decoder.getstate()[0]
        if not buffered:
            return "utf-8-sig"
        error = (buffered[0], offset - len(buffered), newlines + 1)  # the file ends inside a sequence
    if has_sequence:
        byte, where, line = error
        raise InputDataError(
            f"invalid UTF-8 byte 0x{byte:02x} at byte {where + 1} of the file (the rest is "
            f"UTF-8); correct that character or save the file as {save_as}",
            path=str(path),
            row=line,
        )
    if cp1252:
        return "cp1252"
    raise InputDataError(f"cannot decode the file as UTF-8 or Windows-1252; save it as {save_as}", path=str(path))


def _file_blocks(path: Path) -> Iterator[bytes]:
    try:
        with path.open("rb") as fh:
            while block := fh.read(_BLOCK):
                yield block
    except OSError as exc:  # an input that cannot be read is the input's error, not the output's
        raise InputDataError(f"cannot read the file ({exc.strerror or exc})", path=str(path)) from exc


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        return max(",;\t", key=header.count)


def _frame(header: list[str], rows: list[list[str]], path: Path, *, first_row: int = 2) -> pd.DataFrame:
    """Build the table from a header and data rows, refusing what would silently shift or duplicate columns.

    A row with more (non-empty) fields than the header is refused, naming it (in a one-column file: texts
    holding the delimiter unquoted); shorter rows are padded with empty cells. A column without a name is
    dropped when it is empty and refused when it holds data; two columns with the same name are refused.
    """
    width = len(header)
    for number, row in enumerate(rows, start=first_row):
        if len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                hint = " (texts holding the delimiter must be quoted)" if width == 1 else ""
                raise InputDataError(
                    f"{len(row)} fields but the header has {width}{hint}; every row must have one field per column",
                    path=str(path),
                    row=number,
                )
            del row[width:]
        elif len(row) < width:
            row.extend([""] * (width - len(row)))
    keep = []
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            if any(row[index].strip() for row in rows):
                raise InputDataError(
                    f"column {index + 1} holds data but has no name in the header; give it one", path=str(path)
                )
            continue
        if name in seen:
            raise InputDataError(
                f"columns {seen[name] + 1} and {index + 1} have the same name; rename one of them",
                path=str(path),
                column=name,
            )
        seen[name] = index
        keep.append(index)
    columns = {header[i]: [row[i] for row in rows] for i in keep}
    return pd.DataFrame(columns, columns=[header[i] for i in keep], dtype=str)


def _csv_records(p: Path, sep: str | None) -> Iterator[list[str]]:
    """Yield the records of a CSV file, header first, with the formula mark undone; blank lines skipped.

    The file is decoded as it is read (its encoding decided first, for the whole file), so a file of any
    size takes the memory of one record.
    """
    encoding = _encoding(_file_blocks(p), p, save_as="UTF-8 CSV")
    # The csv module refuses fields over 128 KB by default; a cell may be as long as a file may be.
    if csv.field_size_limit() < MAX_INPUT_BYTES:
        csv.field_size_limit(MAX_INPUT_BYTES)
    with p.open(encoding=encoding, newline="") as fh:
        # The delimiter is sniffed on the first 20 lines; read that much, ending at a line end.
        prefix = ""
        while (len(prefix) < _BLOCK and len(prefix.splitlines()) <= 20) or not prefix.strip():
            block = fh.read(1 << 16)
            if not block:
                break
            prefix += block
        prefix += fh.readline()
        if not prefix.strip():
            raise EmptyInputError("file is empty", path=str(p))
        lines = itertools.chain(io.StringIO(prefix, newline=""), fh)
        reader = csv.reader(lines, delimiter=sep or _sniff_delimiter(prefix), strict=True)
        try:
            for record in reader:
                if record:  # a blank line is no row
                    # Every CSV this library writes neutralises formula-like cells; take exactly that mark away.
                    yield [restore_formula(c) if c.startswith(_MARK) else c for c in record]
        except csv.Error as exc:
            raise InputDataError(f"malformed CSV: {exc}", path=str(p), row=reader.line_num) from exc


def _xlsx_text(cell: Any) -> str:
    """Return a cell's value as the text pandas' reader gives it (whole numbers without ``.0``, errors empty)."""
    value = cell.value
    if value is None or cell.data_type == "e":
        return ""
    if cell.data_type == "n" and isinstance(value, int | float):
        whole = int(value)
        value = whole if whole == value else float(value)
    return unescape_xlsx_text(str(value))


def _xlsx_records(p: Path, sheet: str | int) -> Iterator[list[str]]:
    """Yield the non-empty rows of a worksheet, header first, reading the sheet as a stream (openpyxl read-only).

    A sheet that declares (in its ``<dimension>``) or holds more than :data:`MAX_XLSX_CELLS` cells is
    refused before it fills memory; the zip limits of :func:`check_zip` apply first.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_zip(p, ".xlsx")
    try:
        wb = load_workbook(p, read_only=True, data_only=True, keep_links=False)
    except (zipfile.BadZipFile, KeyError, OSError, InvalidFileException) as exc:
        raise InputDataError(f"not a readable .xlsx file ({exc.__class__.__name__})", path=str(p)) from exc
    try:
        names = wb.sheetnames
        if sheet not in (range(len(names)) if isinstance(sheet, int) else names):
            raise InputDataError(
                f"cannot read worksheet {sheet!r}: the file has {len(names)} ({', '.join(map(repr, names))})",
                path=str(p),
            )
        ws = wb[names[sheet] if isinstance(sheet, int) else sheet]
        declared = (ws.max_row or 0) * (ws.max_column or 0)
        if declared > MAX_XLSX_CELLS:
            raise InputDataError(
                f"refused: the worksheet declares {ws.max_row:,} rows by {ws.max_column:,} columns, more than "
                f"the limit of {MAX_XLSX_CELLS:,} cells",
                path=str(p),
            )
        ws.reset_dimensions()  # a declared size may also be too small: read what is there
        cells = 0
        width: int | None = None
        for number, row in enumerate(ws.iter_rows(), start=1):
            cells += len(row)
            if cells > MAX_XLSX_CELLS:
                raise InputDataError(
                    f"refused: the worksheet holds more than the limit of {MAX_XLSX_CELLS:,} cells",
                    path=str(p),
                    row=number,
                )
            values = [_xlsx_text(c) for c in row]
            while values and values[-1] == "":
                values.pop()
            if not values:
                continue
            if width is None:
                width = len(values)
            elif len(values) > width:
                extra = (
                    next(i for i in range(width, len(values)) if values[i].strip())
                    if any(v.strip() for v in values[width:])
                    else None
                )
                if extra is not None:
                    raise InputDataError(
                        f"column {extra + 1} holds data but has no name in the header; give it one", path=str(p)
                    )
            yield values
    finally:
        wb.close()


def _records(p: Path, sheet: str | int) -> Iterator[list[str]]:
    """Return the records of a CSV or XLSX file, header first (see :func:`_csv_records`, :func:`_xlsx_records`)."""
    suffix = p.suffix.lower()
    if not p.is_file():
        raise InputDataError("file not found", path=str(p))
    if suffix in CSV_SUFFIXES:
        return _csv_records(p, "\t" if suffix == ".tsv" else None)
    if suffix in EXCEL_SUFFIXES:
        return _xlsx_records(p, sheet)
    raise InputDataError(f"unsupported file type {suffix or '(none)'!r}; use .csv or .xlsx", path=str(p))


def iter_table(path: str | Path, *, chunk_rows: int, sheet: str | int = 0) -> Iterator[pd.DataFrame]:
    r"""Read a CSV or XLSX file in chunks of at most ``chunk_rows`` rows, each a DataFrame of strings.

    The same checks as :func:`read_table`, row numbers counted over the whole file; a CSV file may be of
    any size (it is decoded as it is read), an ``.xlsx`` is read as a stream within :data:`MAX_XLSX_CELLS`
    and the zip limits. Concatenated, the chunks are what :func:`read_table` returns.

    Raises
    ------
    InputDataError, EmptyInputError
        As :func:`read_table`; a problem in a later row is raised when its chunk is reached.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("text\nWebinar\nCongres\nIntervisie\n", "utf-8")
    >>> [len(chunk) for chunk in iter_table(p, chunk_rows=2)]
    [2, 1]
    """
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be at least 1, not {chunk_rows}")
    p = Path(path)
    records = _records(p, sheet)
    header = [c.strip() for c in next(records, [])]
    step = max(1, min(chunk_rows, _CHUNK_CELLS // max(len(header), 1)))
    first_row = 2
    yielded = False
    while rows := list(itertools.islice(records, step)):
        frame = _frame(header, rows, p, first_row=first_row)
        first_row += len(rows)
        if frame.shape[1]:
            yielded = True
            yield frame
    if not yielded:
        raise EmptyInputError("no data rows (only a header or nothing at all)", path=str(p))


def read_table(path: str | Path, *, sheet: str | int = 0) -> pd.DataFrame:
    """Read a CSV or XLSX file into a DataFrame of strings.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.tsv`` (UTF-8 or Windows-1252, comma, semicolon or tab) or ``.xlsx`` file.
    sheet : str or int, default=0
        Worksheet of an Excel file.

    Returns
    -------
    pandas.DataFrame
        All cells as strings; empty cells as ``""``. Column names are stripped of white space.

    Raises
    ------
    InputDataError
        If the file is missing, of an unsupported type, unreadable, or malformed: UTF-8 with an invalid
        byte, a row with more fields than the header, a column without a name that holds data, two
        columns of the same name, an ``.xlsx`` over the unpacking limits (:func:`check_zip`).
    EmptyInputError
        If it has no data rows.
    """
    p = Path(path)
    if p.is_file() and p.stat().st_size > MAX_INPUT_BYTES:
        raise InputDataError(f"file is larger than {MAX_INPUT_BYTES // 2**20} MB", path=str(p))
    records = _records(p, sheet)
    header = [c.strip() for c in next(records, [])]
    df = _frame(header, list(records), p)
    if df.empty:
        raise EmptyInputError("no data rows (only a header or nothing at all)", path=str(p))
    return df


def find_column(df: pd.DataFrame, name: str, path: str | Path | None = None) -> str:
    """Return the column of ``df`` called ``name`` (exactly, else ignoring case and white space).

    Raises
    ------
    InputDataError
        Naming the file and the missing column and listing the available columns.
    """
    if name in df.columns:
        return name
    wanted = name.strip().casefold()
    for col in df.columns:
        if str(col).strip().casefold() == wanted:
            return str(col)
    available = ", ".join(repr(str(c)) for c in df.columns)
    raise InputDataError(
        f"column not found; available columns: {available}",
        path=None if path is None else str(path),
        column=name,
    )


@dataclass(frozen=True)
class CsvDialect:
    r"""How a CSV file is written: delimiter, encoding (``utf-8-sig`` has a byte-order mark), line ending.

    Attributes
    ----------
    delimiter : str
        ``","``, ``";"`` or a tab.
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with a byte-order mark) or ``"cp1252"`` (Windows-1252).
    lineterminator : str
        ``"\r\n"`` or ``"\n"``.
    """

    delimiter: str = ","
    encoding: str = "utf-8"
    lineterminator: str = "\r\n"

    def to_dict(self) -> dict[str, str]:
        """Return the fields as a dict."""
        return asdict(self)


#: Named dialects for ``--csv-dialect``: ``excel`` (comma, UTF-8 with BOM, CRLF) and ``excel-nl`` (what
#: Excel with Dutch regional settings reads on a double click: semicolon, UTF-8 with BOM, CRLF).
CSV_DIALECTS: dict[str, CsvDialect] = {
    "excel": CsvDialect(",", "utf-8-sig", "\r\n"),
    "excel-nl": CsvDialect(";", "utf-8-sig", "\r\n"),
}


def sniff_csv_dialect(path: str | Path) -> CsvDialect:
    r"""Return the dialect an existing CSV file is written in, so that it can be written back the same way.

    The delimiter as :func:`read_table` finds it, a byte-order mark, the first line ending, and the
    encoding (UTF-8, else Windows-1252).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "nl.csv"
    >>> _ = p.write_bytes("tekst;label\r\ncafé;x\r\n".encode("cp1252"))
    >>> sniff_csv_dialect(p)
    CsvDialect(delimiter=';', encoding='cp1252', lineterminator='\r\n')
    """
    p = Path(path)
    data = p.read_bytes()
    text = decode_text(data, p)
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    delimiter = "\t" if p.suffix.lower() == ".tsv" else _sniff_delimiter(text)
    newline = text.find("\n")
    lineterminator = "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"
    return CsvDialect(delimiter, encoding, lineterminator)


def _check_encodable(df: pd.DataFrame, encoding: str, path: Path, first_index: int = 0) -> None:
    """Refuse, naming row and column, a cell that ``encoding`` cannot hold (Windows-1252 lacks many)."""
    if encoding.startswith("utf"):
        return
    for j, name in enumerate(df.columns):
        for i, value in enumerate(df.iloc[:, j]):
            try:
                str(value).encode(encoding)
            except UnicodeEncodeError as exc:
                char = str(value)[exc.start]
                shown = {"cp1252": "Windows-1252"}.get(encoding, encoding)
                raise InputDataError(
                    f"{char!r} cannot be written in the file's encoding ({shown}); save the file as CSV UTF-8 "
                    "first, or write a new file with --output",
                    path=str(path),
                    row=sheet_row(first_index + i),
                    column=str(name),
                ) from None


def remove_stale_temporaries(dest: str | Path) -> None:
    """Remove the temporary files (or model folders) that runs killed while writing ``dest`` left beside it.

    A process killed by ``kill -9`` cannot clean up. Its temporary file is named
    ``.<name>.<pid>.<random><suffix>``; it is removed only when no process ``pid`` runs, so a concurrent
    writer's file is left alone.
    """
    dest = Path(dest)
    start = f".{dest.name}."
    for leftover in dest.parent.glob(glob.escape(start) + "*"):
        pid = leftover.name[len(start) :].split(".", 1)[0]
        if not pid.isdigit() or not leftover.name.endswith(dest.suffix):
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
        except (PermissionError, OverflowError):  # another user's process, or no process id at all
            continue


def atomic_write(path: str | Path, write: Callable[[Path], None], *, inputs: Sequence[str | Path] = ()) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path`` in one step.

    Parameters
    ----------
    path : str or Path
        Final destination; its folder is created if needed.
    write : callable
        Writes the complete output to the temporary path it is given.
    inputs : sequence of paths
        Input files of the command; writing over one of them is refused.

    Returns
    -------
    Path
        The destination.
    """
    dest = Path(path)
    for src in inputs:
        if Path(src).exists() and dest.exists() and os.path.samefile(src, dest):
            raise InputDataError("refusing to overwrite an input file; choose another output", path=str(dest))
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(dest)
    # The temporary file's name holds this process's id, so a later run can tell it was left by a killed one.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.{os.getpid()}.", suffix=dest.suffix, dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        # mkstemp creates the file private (0600); give it the permissions any new file would get.
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def _neutralised(df: pd.DataFrame) -> pd.DataFrame:
    out = df.rename(columns=lambda c: neutralise_formula(c) if isinstance(c, str) else c)
    for col in range(out.shape[1]):
        values = out.iloc[:, col]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            out.isetitem(col, values.map(lambda v: neutralise_formula(v) if isinstance(v, str) else v))
    return out


def _append_chunks(ws: Any, chunks: Iterable[pd.DataFrame], dest: Path) -> None:
    rows = 0
    for index, df in enumerate(chunks):
        if index == 0:
            ws.append(string_cells(ws, [str(c) for c in df.columns]))
            rows = 1
        rows += len(df)
        if rows > MAX_XLSX_ROWS:
            raise InputDataError(
                f"{rows - 1:,} rows or more do not fit in an .xlsx worksheet (Excel's limit is "
                f"{MAX_XLSX_ROWS - 1:,} rows under the header); write a .csv file instead",
                path=str(dest),
            )
        for row in df.itertuples(index=False, name=None):
            ws.append(string_cells(ws, row))


def _write_xlsx(chunks: Iterable[pd.DataFrame], tmp: Path, dest: Path) -> None:
    """Write the chunks as one worksheet, streamed (openpyxl write-only), every text a string cell."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    try:
        _append_chunks(ws, chunks, dest)
    except BaseException:
        ws.close()  # ends the sheet's writer, so an error leaves no half-open generator behind
        raise
    wb.save(tmp)


def write_table(
    df: pd.DataFrame,
    path: str | Path,
    *,
    inputs: Sequence[str | Path] = (),
    bom: bool = False,
    dialect: CsvDialect | None = None,
) -> Path:
    """Write ``df`` atomically as ``.csv`` (UTF-8, comma), ``.tsv`` or ``.xlsx``, chosen by the suffix.

    Texts that Excel would run as formulas are neutralised (see the module docstring): string cells in
    ``.xlsx``, one leading apostrophe in CSV, which :func:`read_table` takes away again.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    path : str or Path
        Destination; its suffix chooses the format.
    inputs : sequence of paths
        Input files of the command; writing over one of them is refused.
    bom : bool, default=False
        Start a CSV file with a UTF-8 byte-order mark, so that Excel shows accented letters.
    dialect : CsvDialect, optional
        Delimiter, encoding and line ending of a ``.csv`` file (see :data:`CSV_DIALECTS` and
        :func:`sniff_csv_dialect`); overrides ``bom``. A ``.tsv`` file keeps its tab.

    Returns
    -------
    Path
        The destination.

    Raises
    ------
    InputDataError
        If the suffix is not supported, or a cell cannot be written in the dialect's encoding.
    """
    lone_cr = any(isinstance(v, str) and "\r" in v for j in range(df.shape[1]) for v in df.iloc[:, j])
    return write_table_chunks([df], path, inputs=inputs, bom=bom, dialect=dialect, lone_cr=lone_cr)


def write_table_chunks(
    chunks: Iterable[pd.DataFrame],
    path: str | Path,
    *,
    inputs: Sequence[str | Path] = (),
    bom: bool = False,
    dialect: CsvDialect | None = None,
    lone_cr: bool = False,
) -> Path:
    """Write a table that arrives in chunks (same columns each) atomically, as :func:`write_table` does.

    The chunks go one by one into a temporary file beside ``path``, renamed into place once the last is
    written, so memory holds one chunk and an interrupted run leaves the previous file as it was. An
    ``.xlsx`` holds at most :data:`MAX_XLSX_ROWS` rows, the header included.

    Parameters
    ----------
    chunks : iterable of pandas.DataFrame
        The table's rows, in order; the first chunk's columns are the header.
    path, inputs, bom, dialect
        As :func:`write_table`.
    lone_cr : bool, default=False
        Some text holds a carriage return: with line feeds as line ends every cell is then quoted (so such
        a text cannot split its row). :func:`write_table` finds it out itself.

    Returns
    -------
    Path
        The destination.
    """
    dest = Path(path)
    suffix = dest.suffix.lower()
    if suffix not in CSV_SUFFIXES + EXCEL_SUFFIXES:
        raise InputDataError(f"unsupported output type {suffix or '(none)'!r}; use .csv or .xlsx", path=str(dest))
    if dialect is None:
        dialect = CsvDialect(",", "utf-8-sig" if bom else "utf-8", "\r\n")
    if suffix == ".tsv":
        dialect = CsvDialect("\t", dialect.encoding, dialect.lineterminator)
    csv_dialect = dialect

    def write(tmp: Path) -> None:
        if suffix in EXCEL_SUFFIXES:
            _write_xlsx(chunks, tmp, dest)
            return
        # CRLF (RFC 4180, and what Excel writes) also makes the csv module quote a text holding a lone CR;
        # with LF line endings such a text would split its row, so then every cell is quoted.
        quote_all = csv_dialect.lineterminator == "\n" and lone_cr
        done = 0
        with tmp.open("w", encoding=csv_dialect.encoding, newline="") as fh:
            for index, df in enumerate(chunks):
                _check_encodable(df, csv_dialect.encoding, dest, done)
                _neutralised(df).to_csv(
                    fh,
                    index=False,
                    header=index == 0,
                    sep=csv_dialect.delimiter,
                    lineterminator=csv_dialect.lineterminator,
                    quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
                )
                done += len(df)

    return atomic_write(dest, write, inputs=inputs)
