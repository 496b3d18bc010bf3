"""Agreement between two coders (people, or a person and the model) on the same units."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.metrics import (
    cohen_kappa_score,
)

from ..exceptions import InputDataError, UnknownLabelError
from ..tables import find_column, read_table, sheet_row
from ..taxonomy import get_taxonomy

if TYPE_CHECKING:
    import pandas as pd

from ._metrics import NO_LABEL, _as_labels, krippendorff_alpha

__all__ = ["FileAgreement", "agreement", "agreement_from_files"]


def agreement(labels_a: Sequence[Any], labels_b: Sequence[Any], ids: Sequence[Any] | None = None) -> dict[str, Any]:
    """Agreement between two coders (people, or a person and the model) on the same units.

    Returns
    -------
    dict
        ``n``, ``percent_agreement``, ``cohen_kappa``, ``krippendorff_alpha``, ``per_type`` (slug ->
        count by coder A, count by coder B, agreed, specific agreement ``2*agreed/(A+B)``) and
        ``disagreements`` (``[{"id", "a", "b"}]``).
    """
    a, b = _as_labels(labels_a), _as_labels(labels_b)
    keys = list(ids) if ids is not None else list(range(len(a)))
    per_type = {}
    for slug in sorted(set(a) | set(b), key=lambda s: (s == NO_LABEL, s)):
        na, nb = a.count(slug), b.count(slug)
        both = sum(1 for x, y in zip(a, b, strict=True) if x == y == slug)
        per_type[slug] = {"a": na, "b": nb, "agreed": both, "specific_agreement": 2 * both / (na + nb)}
    return {
        "n": len(a),
        "percent_agreement": float(np.mean([x == y for x, y in zip(a, b, strict=True)])) if a else float("nan"),
        "cohen_kappa": float(cohen_kappa_score(a, b)),
        "krippendorff_alpha": krippendorff_alpha(
            [None if x == NO_LABEL else x for x in a], [None if x == NO_LABEL else x for x in b]
        ),
        "per_type": per_type,
        "disagreements": [{"id": k, "a": x, "b": y} for k, x, y in zip(keys, a, b, strict=True) if x != y],
    }


@dataclass
class FileAgreement:
    """Agreement between the labels of two files, matched on an id column.

    Attributes
    ----------
    result : dict
        :func:`agreement` over the ids in both files.
    shared : list of str
        Those ids, in the order of the first file.
    only_a, only_b : int
        How many ids occur in one file only.
    texts : dict
        Id -> text, from the text column of either file (the first file's wins), when there is one.
    """

    result: dict[str, Any]
    shared: list[str]
    only_a: int
    only_b: int
    texts: dict[str, str]

    def disagreements(self) -> pd.DataFrame:
        """Return the table for adjudication: ``id, text, label_a, label_b`` and an empty ``adjudicated``."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "id": d["id"],
                    "text": self.texts.get(d["id"], ""),
                    "label_a": d["a"],
                    "label_b": d["b"],
                    "adjudicated": "",
                }
                for d in self.result["disagreements"]
            ],
            columns=["id", "text", "label_a", "label_b", "adjudicated"],
        )


def _coded(
    path: str | Path, id_column: str, label_column: str, text_column: str
) -> tuple[dict[str, str | None], dict[str, str]]:
    tax = get_taxonomy()
    frame = read_table(path)
    id_col = find_column(frame, id_column, path)
    lab_col = find_column(frame, label_column, path)
    labels: dict[str, str | None] = {}
    for i, (key, label) in enumerate(zip(frame[id_col], frame[lab_col], strict=True)):
        key, label = str(key).strip(), str(label).strip()
        if key in labels:
            raise InputDataError(f"duplicate id {key!r}", path=str(path), row=sheet_row(i), column=id_col)
        try:
            labels[key] = tax.validate_label(label) if label else None
        except UnknownLabelError as exc:
            raise InputDataError(str(exc), path=str(path), row=sheet_row(i), column=lab_col) from None
    text_col = text_column if text_column in frame.columns else None
    texts = dict(zip(frame[id_col].astype(str).str.strip(), frame[text_col], strict=True)) if text_col else {}
    return labels, texts


def agreement_from_files(
    file_a: str | Path,
    file_b: str | Path,
    *,
    id_column: str = "id",
    label_column: str = "label",
    label_column_b: str | None = None,
    text_column: str = "text",
) -> FileAgreement:
    """Agreement between the labels of two coded files (``.csv``/``.xlsx``), matched on an id column.

    Parameters
    ----------
    file_a, file_b : str or Path
        The two coders' files (or a coder's file and a predictions file).
    id_column, label_column : str
        Columns of both files.
    label_column_b : str, optional
        The label column of ``file_b`` when it differs (``label`` of a predictions file, say).
    text_column : str, default="text"
        Shown in the disagreement table when a file has it.

    Raises
    ------
    InputDataError
        For a missing column, a duplicate id, an unknown label (naming file, row and column), or when no
        id occurs in both files.
    """
    a, texts_a = _coded(file_a, id_column, label_column, text_column)
    b, texts_b = _coded(file_b, id_column, label_column_b or label_column, text_column)
    shared = [k for k in a if k in b]
    if not shared:
        raise InputDataError(f"no id in column {id_column!r} occurs in both files")
    result = agreement([a[k] for k in shared], [b[k] for k in shared], ids=shared)
    return FileAgreement(result, shared, len(set(a) - set(b)), len(set(b) - set(a)), {**texts_b, **texts_a})
