"""Classify a table file of any length in bounded memory: ``predict FILE`` reads, classifies and writes chunks.

Two passes. The first reads the file chunk by chunk (:func:`~activity_classifier.tables.iter_table`),
classifies each chunk (:func:`~activity_classifier.predictions.classify_chunk`, the one call per chunk,
analysing :data:`CLASSIFY_CHARACTERS` at a time), keeps per row only the two numbers the target accuracy
and the shift report need (a NumPy array, not a frame) and spills the rows to a nameless temporary file
beside the output once the next chunk has been read (the last chunk's rows, and so those of a file of one
chunk, stay in memory). What needs the whole batch (the ``--target-accuracy`` selection, the batch report, the
summary line) is then computed over all rows at once (:func:`~activity_classifier.reliability.target_flags`),
exactly as for a table read whole. The second pass reads the spilled rows back, flags the chosen ones and
writes them chunk by chunk into the output's temporary file, which is renamed into place at the end
(:func:`~activity_classifier.tables.write_table_chunks`): an interrupted run leaves the previous output as
it was. Memory holds about two chunks at most, whatever the number of rows; the output is byte for byte that of
:func:`~activity_classifier.predictions.classify` followed by :func:`~activity_classifier.tables.write_table`.
"""

from __future__ import annotations

import itertools
import logging
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from . import tables
from ._output import DEFAULT_CHUNK_ROWS, PREDICTION_COLUMNS
from ._progress import Progress
from ._runtime import Predictor
from .exceptions import InputDataError
from .policy import Method
from .predictions import apply_target_flags, classify_chunk, input_names
from .reliability import BatchReport, model_reliability, target_flags
from .tables import EXCEL_SUFFIXES, CsvDialect, find_column, iter_table, write_table_chunks

__all__ = ["DEFAULT_CHUNK_ROWS", "StreamResult", "count_rows", "predict_file"]

logger = logging.getLogger(__name__)

#: Characters of text analysed at a time within a chunk. The analysis of a text takes memory in proportion
#: to its length (some 150 bytes a character until the chunk is classified), so a chunk of long texts is
#: classified in smaller steps: 20,000 texts of 1,000 characters took 2.6 GB at once.
CLASSIFY_CHARACTERS = 2_000_000


@dataclass(frozen=True)
class StreamResult:
    """What :func:`predict_file` wrote: rows, rows flagged for review, and the batch report."""

    rows: int
    flagged: int
    report: BatchReport


def count_rows(path: str | Path, text_column: str, *, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> int:
    """Read the whole file as ``predict`` would (every check), without classifying; return its rows."""
    rows = 0
    for index, chunk in enumerate(iter_table(path, chunk_rows=chunk_rows)):
        if index == 0:
            find_column(chunk, text_column, path)
        rows += len(chunk)
    return rows


def _spill_rows(spill: IO[bytes], frame: pd.DataFrame) -> None:
    # One pickle record per chunk: it keeps each value's type (text, None, float, bool, and a NumPy scalar
    # should one appear) and every text, lone surrogates included, exactly, at a fraction of the cost of one
    # json.dumps per row. Unpickling is safe here because the file is this process's own temporary file,
    # created in a directory the user can write to and never named to anyone (on Linux it has no name at
    # all): it holds only what this process wrote.
    pickle.dump(list(frame.itertuples(index=False, name=None)), spill, protocol=pickle.HIGHEST_PROTOCOL)


def _read_spill(spill: IO[bytes], columns: list[str], sizes: list[int]) -> Iterator[pd.DataFrame]:
    spill.seek(0)
    for _ in sizes:
        rows = pickle.load(spill)  # our own nameless temporary file, see _spill_rows
        yield pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)


def predict_file(
    model: Predictor,
    path: str | Path,
    output: str | Path,
    *,
    text_column: str = "text",
    method: Method = "hybrid",
    target_accuracy: float | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    n_jobs: int | None = 1,
    dialect: CsvDialect | None = None,
    progress: Progress | None = None,
    before_writing: Any = None,
) -> StreamResult:
    """Classify every row of a CSV or XLSX file and write the rows with :data:`PREDICTION_COLUMNS` added.

    Parameters
    ----------
    model : Predictor
        The model's runtime (:func:`~activity_classifier.persistence.load_predictor`).
    path, output : str or Path
        The input table and the table to write (``.csv``, ``.tsv`` or ``.xlsx``; never the input).
    text_column, method, target_accuracy, n_jobs
        As :func:`~activity_classifier.predictions.classify` (``target_accuracy`` checked by the caller).
    chunk_rows : int, default=DEFAULT_CHUNK_ROWS
        Rows held in memory at a time.
    dialect : CsvDialect, optional
        As :func:`~activity_classifier.tables.write_table`.
    progress : callable, optional
        ``progress(stage, done, total)`` after each chunk (stages ``classify`` and ``write``).
    before_writing : callable, optional
        Called with the number of rows once the first pass is done, before anything is written.

    Returns
    -------
    StreamResult

    Raises
    ------
    InputDataError
        As :func:`~activity_classifier.tables.iter_table` (naming file, row and column), or when the
        rows do not fit in an ``.xlsx`` worksheet (checked before writing).
    """
    dest = Path(output)
    if target_accuracy is not None and model_reliability(model) is None:
        logger.warning("the model stores no risk-coverage curve: no target accuracy applied (retrain it)")
    estimate = _estimate_rows(Path(path))
    dest.parent.mkdir(parents=True, exist_ok=True)
    # Nameless on Linux (it vanishes with the process, even after kill -9), beside the output for space.
    with tempfile.TemporaryFile("w+b", dir=dest.parent) as spill:
        scores, already, sizes = [], [], []
        columns: list[str] = []
        lone_cr = False
        lf_lines = dialect is not None and dialect.lineterminator == "\n"
        # The last chunk's rows stay in memory and are written from there: a chunk is spilled only once
        # the next one has been read, so a file of one chunk is never spilled and read back.
        last = None
        for index, chunk in enumerate(iter_table(path, chunk_rows=chunk_rows)):
            if index == 0:
                column = find_column(chunk, text_column, path)
                columns = [*chunk.rename(columns=input_names(chunk.columns)).columns, *PREDICTION_COLUMNS]
            else:
                _spill_rows(spill, last)
                last = None  # not held while the next chunk is classified
            texts = chunk[column].tolist()
            characters = sum(len(t) for t in texts if isinstance(t, str))
            step = max(1, len(texts) * CLASSIFY_CHARACTERS // max(characters, 1))
            out, chunk_scores = classify_chunk(model, texts, method=method, n_jobs=n_jobs, step=step)
            rows = pd.concat([chunk, out], axis=1)
            if lf_lines and not lone_cr:  # only then does a carriage return change how the CSV is quoted
                lone_cr = any(rows[c].astype(str).str.contains("\r", regex=False).any() for c in rows.columns)
            rows.columns = columns  # the input's own label, group and source columns renamed input_*
            last = rows
            scores.append(chunk_scores)
            already.append(out["needs_review"].to_numpy(dtype=bool))
            sizes.append(len(chunk))
            if progress is not None:
                done = sum(sizes)
                progress("classify", done, max(done, estimate))
        total = sum(sizes)
        if dest.suffix.lower() in EXCEL_SUFFIXES and total + 1 > tables.MAX_XLSX_ROWS:
            raise InputDataError(
                f"{total:,} rows do not fit in an .xlsx worksheet (Excel's limit is {tables.MAX_XLSX_ROWS - 1:,} rows "
                "under the header); write a .csv file instead",
                path=str(dest),
            )
        flag, report = target_flags(
            model_reliability(model), np.concatenate(scores), np.concatenate(already), target_accuracy
        )
        if before_writing is not None:
            before_writing(total)
        bounds = np.cumsum([0, *sizes])

        def flagged_chunks() -> Iterator[pd.DataFrame]:
            spilled = _read_spill(spill, columns, sizes[:-1])
            for i, frame in enumerate(itertools.chain(spilled, [] if last is None else [last])):
                apply_target_flags(frame, flag[bounds[i] : bounds[i + 1]])
                if progress is not None:
                    progress("write", int(bounds[i + 1]), total)
                yield frame

        write_table_chunks(flagged_chunks(), dest, inputs=[path], dialect=dialect, lone_cr=lone_cr)
    return StreamResult(total, int(np.concatenate(already).sum() + flag.sum()), report)


def _estimate_rows(path: Path) -> int:
    """Rows of a CSV file, about (its line ends), for the progress bar; 0 for other files."""
    if path.suffix.lower() in EXCEL_SUFFIXES or not path.is_file():
        return 0
    lines = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            lines += block.count(b"\n")
    return max(lines - 1, 0)
