"""Labelled training data: the bundled corpus and validation of a researcher's own coded file.

The bundled corpus (``data/labelled_activities.csv`` in the repository) was written by this project;
it is *not* the data of Hagedoorn et al. (2023), which is not public. See ``data/README.md``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from .exceptions import InputDataError, UnknownLabelError
from .tables import find_column, read_table, sheet_row
from .taxonomy import get_taxonomy
from .text import clean_text

__all__ = ["MAX_LISTED_ERRORS", "LabelledData", "bundled_corpus_path", "load_labelled"]

#: How many unknown labels one error message lists (the rest are counted).
MAX_LISTED_ERRORS = 20


def _repo_data(name: str) -> Path:
    return Path(__file__).resolve().parents[2] / "data" / name


def bundled_corpus_path() -> Path:
    """Path of the bundled training corpus (packaged copy, or ``data/`` in a source checkout)."""
    packaged = Path(str(resources.files("activity_classifier"))) / "corpus" / "labelled_activities.csv"
    return packaged if packaged.is_file() else _repo_data("labelled_activities.csv")


@dataclass(frozen=True)
class LabelledData:
    """A validated labelled table.

    Attributes
    ----------
    frame : pandas.DataFrame
        The table as read, all columns kept.
    texts : list of str
        The texts (cleaned).
    labels : list of str
        The labels as slugs.
    groups : list of str or None
        Group ids (e.g. teacher) for grouped cross-validation, when a group column exists.
    path : Path or None
        The file read, if any.
    sha256 : str or None
        SHA-256 of that file.
    """

    frame: pd.DataFrame
    texts: list[str]
    labels: list[str]
    groups: list[str] | None
    path: Path | None = None
    sha256: str | None = None

    def describe(self) -> dict[str, object]:
        """Return what model metadata records about the training data."""
        return {
            "file": self.path.name if self.path else None,
            "sha256": self.sha256,
            "rows": len(self.texts),
            "groups": len(set(self.groups)) if self.groups else None,
        }


def load_labelled(
    path: str | Path | None = None,
    *,
    text_column: str = "text",
    label_column: str = "label",
    group_column: str | None = "teacher_id",
    require_group: bool = False,
) -> LabelledData:
    """Read and validate a labelled CSV/XLSX file before any training.

    Parameters
    ----------
    path : str or Path, optional
        The file; the bundled corpus when omitted.
    text_column, label_column : str
        Column names (matched ignoring case).
    group_column : str or None, default="teacher_id"
        Column of group ids for grouped cross-validation; ignored when absent unless ``require_group``.
    require_group : bool, default=False
        Raise if ``group_column`` is missing.

    Returns
    -------
    LabelledData

    Raises
    ------
    InputDataError
        Naming file, row and column, for a missing column, an empty text or an unknown label (all unknown
        labels at once, up to :data:`MAX_LISTED_ERRORS` of them, with their rows). Labels may be slugs or
        ids, in any case (``f4`` is ``F4``).
    """
    p = Path(path) if path is not None else bundled_corpus_path()
    df = read_table(p)
    tcol = find_column(df, text_column, p)
    lcol = find_column(df, label_column, p)
    gcol = None
    if group_column:
        try:
            gcol = find_column(df, group_column, p)
        except InputDataError:
            if require_group:
                raise
    tax = get_taxonomy()
    texts, labels = [], []
    unknown: list[tuple[int, object, str]] = []  # (row, label, message): every unknown label is listed at once
    for i, (text, label) in enumerate(zip(df[tcol], df[lcol], strict=True)):
        cleaned = clean_text(text)
        if not cleaned:
            raise InputDataError("empty text", path=str(p), row=sheet_row(i), column=tcol)
        try:
            labels.append(tax.validate_label(label))
        except UnknownLabelError as exc:
            unknown.append((sheet_row(i), label.strip() if isinstance(label, str) else label, str(exc)))
        texts.append(cleaned)
    if len(unknown) == 1:
        row, _, message = unknown[0]
        raise InputDataError(message, path=str(p), row=row, column=lcol)
    if unknown:
        listed = ", ".join(f"row {row} {label!r}" for row, label, _ in unknown[:MAX_LISTED_ERRORS])
        more = f" and {len(unknown) - MAX_LISTED_ERRORS} more" if len(unknown) > MAX_LISTED_ERRORS else ""
        raise InputDataError(
            f"{len(unknown)} unknown labels: {listed}{more}; valid labels are: {', '.join(tax.slugs)}",
            path=str(p),
            column=lcol,
        )
    groups = None
    if gcol is not None:
        groups = [str(g).strip() for g in df[gcol]]
        for i, g in enumerate(groups):
            if not g:
                raise InputDataError("empty group id", path=str(p), row=sheet_row(i), column=gcol)
    sha = hashlib.sha256(p.read_bytes()).hexdigest()
    return LabelledData(frame=df, texts=texts, labels=labels, groups=groups, path=p, sha256=sha)
