"""Reading and writing tables (CSV and Excel) safely.

Reading accepts what researchers and annotators really have: UTF-8 with or without BOM, Windows-1252 as
Dutch Excel writes it, comma-, semicolon- or tab-separated CSV, and ``.xlsx``. Every cell is read as text,
so ids such as ``007`` survive. Problems become :class:`~activity_classifier.exceptions.InputDataError`
naming the file, the row (counted as a spreadsheet does: the header is row 1) and the column.

Writing is atomic: the table goes to a temporary file in the target folder, which is then renamed, so a
failure never leaves a half-written output, and an input is never overwritten.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from .exceptions import EmptyInputError, InputDataError

__all__ = [
    "CSV_SUFFIXES",
    "EXCEL_SUFFIXES",
    "atomic_write",
    "decode_text",
    "find_column",
    "read_table",
    "sheet_row",
    "write_table",
]

CSV_SUFFIXES = (".csv", ".tsv")
EXCEL_SUFFIXES = (".xlsx",)
_ENCODINGS = ("utf-8-sig", "cp1252")
#: Refuse input files larger than this; a learner-report table is far smaller.
MAX_INPUT_BYTES = 200 * 1024 * 1024


def sheet_row(index: int) -> int:
    """Spreadsheet row number of the data row at 0-based ``index`` (the header is row 1)."""
    return int(index) + 2


def decode_text(data: bytes, path: str | Path, *, save_as: str = "UTF-8 CSV") -> str:
    """Decode a text file's bytes: UTF-8 (with or without BOM), else Windows-1252 as Dutch Excel writes it.

    Raises
    ------
    InputDataError
        If the file looks binary (or UTF-16), or neither encoding fits; the message says to save it
        as ``save_as``.

    Examples
    --------
    >>> decode_text("café".encode("cp1252"), "a.csv")
    'café'
    """
    if b"\x00" in data[:4096]:
        raise InputDataError(f"file looks binary (or UTF-16); save it as {save_as}", path=str(path))
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputDataError(f"cannot decode the file as UTF-8 or Windows-1252; save it as {save_as}", path=str(path))


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        return max(",;\t", key=header.count)


def read_table(path: str | Path, *, sheet: str | int = 0) -> pd.DataFrame:
    """Read a CSV or XLSX file into a DataFrame of strings.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.tsv`` (any common encoding and delimiter) or ``.xlsx`` file.
    sheet : str or int, default=0
        Worksheet of an Excel file.

    Returns
    -------
    pandas.DataFrame
        All cells as strings; empty cells as ``""``. Column names are stripped of white space.

    Raises
    ------
    InputDataError
        If the file is missing, of an unsupported type, unreadable, or malformed.
    EmptyInputError
        If it has no data rows.
    """
    p = Path(path)
    if not p.is_file():
        raise InputDataError("file not found", path=str(p))
    suffix = p.suffix.lower()
    if p.stat().st_size > MAX_INPUT_BYTES:
        raise InputDataError(f"file is larger than {MAX_INPUT_BYTES // 2**20} MB", path=str(p))
    if suffix in CSV_SUFFIXES:
        text = decode_text(p.read_bytes(), p)
        if not text.strip():
            raise EmptyInputError("file is empty", path=str(p))
        sep = "\t" if suffix == ".tsv" else _sniff_delimiter(text)
        try:
            df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False)
        except (pd.errors.ParserError, csv.Error) as exc:
            raise InputDataError(f"malformed CSV: {str(exc).strip().splitlines()[-1]}", path=str(p)) from exc
    elif suffix in EXCEL_SUFFIXES:
        try:
            df = pd.read_excel(p, sheet_name=sheet, dtype=str, keep_default_na=False, engine="openpyxl")
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            raise InputDataError(f"not a readable .xlsx file ({exc.__class__.__name__})", path=str(p)) from exc
        except ValueError as exc:
            raise InputDataError(f"cannot read worksheet {sheet!r}: {exc}", path=str(p)) from exc
        df = df.fillna("")
    else:
        raise InputDataError(f"unsupported file type {suffix or '(none)'!r}; use .csv or .xlsx", path=str(p))
    df.columns = [str(c).strip() for c in df.columns]
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
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=dest.suffix, dir=dest.parent)
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


def write_table(df: pd.DataFrame, path: str | Path, *, inputs: Sequence[str | Path] = ()) -> Path:
    """Write ``df`` atomically as ``.csv`` (UTF-8, comma) or ``.xlsx``, chosen by the suffix."""
    dest = Path(path)
    suffix = dest.suffix.lower()
    if suffix not in CSV_SUFFIXES + EXCEL_SUFFIXES:
        raise InputDataError(f"unsupported output type {suffix or '(none)'!r}; use .csv or .xlsx", path=str(dest))

    def write(tmp: Path) -> None:
        if suffix in EXCEL_SUFFIXES:
            df.to_excel(tmp, index=False, engine="openpyxl")
        else:
            df.to_csv(tmp, index=False, sep="\t" if suffix == ".tsv" else ",", encoding="utf-8")

    return atomic_write(dest, write, inputs=inputs)
