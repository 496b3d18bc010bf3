"""Which files to read, and reading all of them into one list of activities.

Tables (``.csv``, ``.tsv``, ``.xlsx``) are read by :mod:`._tables`, free-text reports (``.docx``, ``.txt``)
are split into activities by :mod:`._split` (Word documents read by :mod:`._docx`). Folders are expanded to
every supported file in them and their sub-folders, in name order (hidden files and Word's ``~$`` lock
files are skipped).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..exceptions import EmptyInputError, InputDataError
from ..tables import CSV_SUFFIXES, EXCEL_SUFFIXES, read_table
from ._activity import Activity, Ingested
from ._docx import read_docx_lines
from ._split import Block, read_txt_lines, split_report
from ._tables import TableOptions, detect_layout, read_table_activities

__all__ = ["DOCUMENT_SUFFIXES", "SUPPORTED_SUFFIXES", "expand_inputs", "read_activities"]

logger = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = (".docx", ".txt")
SUPPORTED_SUFFIXES = CSV_SUFFIXES + EXCEL_SUFFIXES + DOCUMENT_SUFFIXES


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Turn files and folders into the list of files to read.

    Raises
    ------
    InputDataError
        If a path does not exist, or a file named explicitly has an unsupported type.
    EmptyInputError
        If a folder holds no supported file.
    """
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and not f.name.startswith("~$")
            )
            if not found:
                raise EmptyInputError(f"folder holds no supported file ({', '.join(SUPPORTED_SUFFIXES)})", path=str(p))
            files.extend(found)
        elif p.is_file():
            if p.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise InputDataError(
                    f"unsupported file type {p.suffix or '(none)'!r}; use {', '.join(SUPPORTED_SUFFIXES)}",
                    path=str(p),
                )
            files.append(p)
        else:
            raise InputDataError("file or folder not found", path=str(p))
    if not files:
        raise EmptyInputError("no input files given")
    return files


def _location(suffix: str, block: Block) -> str:
    what = "line" if suffix == ".txt" else "paragraph"
    if block.start == block.end:
        return f"{what} {block.start}"
    return f"{what}s {block.start}-{block.end}"


def read_activities(paths: Iterable[str | Path], options: TableOptions | None = None) -> Ingested:
    """Read files and folders of learner reports into one list of activities.

    Parameters
    ----------
    paths : iterable of str or Path
        Files (``.csv``, ``.tsv``, ``.xlsx``, ``.docx``, ``.txt``) and folders.
    options : TableOptions, optional
        How to read tables (see :class:`~activity_classifier.annotate.TableOptions`); ignored for documents.

    Returns
    -------
    Ingested
        The activities in input order, the files read and one note per file.

    Raises
    ------
    InputDataError
        Naming the file (and row or column) that cannot be read.
    EmptyInputError
        If a file holds no activity at all.
    """
    result = Ingested()
    for path in expand_inputs(paths):
        try:
            _read_one(path, result, options)
        except OSError as exc:
            # Permission denied, a file removed while reading, a network drive gone: name the file.
            raise InputDataError(f"cannot read the file ({exc.strerror or exc})", path=str(path)) from exc
    return result


def _read_one(path: Path, result: Ingested, options: TableOptions | None) -> None:
    suffix = path.suffix.lower()
    result.files.append(path)
    if suffix in DOCUMENT_SUFFIXES:
        lines = read_docx_lines(path) if suffix == ".docx" else read_txt_lines(path)
        blocks = split_report(lines, each_paragraph=suffix == ".docx")
        if not blocks:
            raise EmptyInputError("no text found", path=str(path))
        covered = {n for b in blocks for n in range(b.start, b.end + 1)}
        skipped = [ln.number for ln in lines if ln.text.strip() and ln.number not in covered]
        note = f"{path}: {len(blocks)} activities"
        if skipped:
            what = "lines" if suffix == ".txt" else "paragraphs"
            note += f" (introduction or section titles left out: {what} {_ranges(skipped)})"
        result.notes.append(note)
        for k, block in enumerate(blocks):
            result.activities.append(Activity(block.text, str(path), path.stem, k + 1, _location(suffix, block)))
        return
    frame = read_table(path)
    spec = detect_layout(frame, options, path=path)
    found = read_table_activities(path, frame, spec)
    result.notes.append(f"{path}: {spec.describe()}; {len(found)} activities")
    result.activities.extend(found)


def _ranges(numbers: Sequence[int]) -> str:
    """Compress ``[1, 2, 3, 7]`` to ``"1-3, 7"``."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)
