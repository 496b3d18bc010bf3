"""Agreement between coders (people, or a person and the model) on the same units.

Two coders: :func:`agreement` (percent agreement, Cohen's kappa, Krippendorff's alpha, per-type specific
agreement, the coder-by-coder confusion matrix). Two or more: :func:`multi_agreement` (Fleiss' kappa,
Krippendorff's alpha, pairwise Cohen's kappa). Both give 95% bootstrap intervals (resampling units) and
keep a *missing code* (a unit one coder left empty) apart from a *disagreement* (both coded, differently):
percent agreement and the kappas count units every coder coded; alpha, made for missing data, uses all.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

from ..exceptions import InputDataError, UnknownLabelError
from ..tables import find_column, read_table, sheet_row
from ..taxonomy import get_taxonomy

if TYPE_CHECKING:
    import pandas as pd

from ._metrics import NO_LABEL, _as_labels

__all__ = ["FileAgreement", "agreement", "agreement_from_files", "fleiss_kappa", "multi_agreement"]


def _code(value: Any) -> str | None:
    """Return a code, or None for a missing one (None, NaN, empty, the abstention marker)."""
    label = _as_labels([value])[0]
    return None if label == NO_LABEL else label


def fleiss_kappa(counts: Sequence[Sequence[float]] | np.ndarray) -> float:
    """Fleiss' kappa from a units-by-categories table of how many coders chose each category.

    Every unit must have the same number of coders (at least two).

    Examples
    --------
    The ten-subject, fourteen-rater example of Fleiss (1971), as tabulated in many textbooks:

    >>> table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    ...          [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    >>> round(fleiss_kappa(table), 3)
    0.21
    """
    n = np.asarray(counts, dtype=float)
    if n.ndim != 2 or n.shape[0] == 0:
        return float("nan")
    raters = n.sum(axis=1)
    if not np.allclose(raters, raters[0]) or raters[0] < 2:
        raise ValueError("Fleiss' kappa needs the same number (at least two) of coders for every unit")
    m = raters[0]
    p_unit = ((n * (n - 1)).sum(axis=1)) / (m * (m - 1))
    p_cat = n.sum(axis=0) / n.sum()
    p_bar, p_e = float(p_unit.mean()), float((p_cat**2).sum())
    return 1.0 if p_e == 1.0 else (p_bar - p_e) / (1 - p_e)


def _alpha(columns: Sequence[Sequence[str | None]]) -> float:
    """Krippendorff's alpha (nominal) of coders (one sequence each) over the same units, missing allowed."""
    values = sorted({v for col in columns for v in col if v is not None})
    if len(values) < 2:
        return 1.0 if values else float("nan")
    index = {v: i for i, v in enumerate(values)}
    data = np.array([[np.nan if v is None else index[v] for v in col] for col in columns], dtype=float)
    if np.sum(~np.isnan(data).all(axis=0) & (np.sum(~np.isnan(data), axis=0) >= 2)) == 0:
        return float("nan")  # no unit coded by two coders
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def _kappa(a: Sequence[str], b: Sequence[str]) -> float:
    if not a:
        return float("nan")
    if len(set(a) | set(b)) < 2:
        return 1.0  # one category used by both for every unit: perfect, and sklearn's 0/0
    return float(cohen_kappa_score(a, b))


def _fleiss(columns: Sequence[Sequence[str | None]]) -> float:
    complete = [i for i in range(len(columns[0])) if all(col[i] is not None for col in columns)]
    cats = sorted({str(col[i]) for col in columns for i in complete if col[i] is not None})
    if not complete or len(cats) < 1:
        return float("nan")
    table = [[sum(col[i] == c for col in columns) for c in cats] for i in complete]
    return fleiss_kappa(table)


def _interval(stat: Any, n_units: int, n_bootstrap: int, random_state: int) -> list[float] | None:
    """Percentile 95% interval of ``stat(indices)`` over resamples of the units (None when undefined)."""
    if not n_bootstrap or n_units < 2:
        return None
    rng = np.random.default_rng(random_state)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        # A resample with one category only has no defined alpha (0/0): it is dropped below.
        warnings.simplefilter("ignore", RuntimeWarning)
        values = [stat(rng.integers(0, n_units, n_units)) for _ in range(n_bootstrap)]
    finite = np.asarray([v for v in values if v == v], dtype=float)
    if not len(finite):
        return None
    return [float(np.percentile(finite, 2.5)), float(np.percentile(finite, 97.5))]


def agreement(
    labels_a: Sequence[Any],
    labels_b: Sequence[Any],
    ids: Sequence[Any] | None = None,
    *,
    n_bootstrap: int = 0,
    random_state: int = 0,
) -> dict[str, Any]:
    """Agreement between two coders (people, or a person and the model) on the same units.

    A unit one coder left without a code (None, NaN, empty) is a *missing code*: it is listed in
    ``missing``, not in ``disagreements``, and left out of percent agreement, Cohen's kappa, the
    per-type figures and the confusion matrix (Krippendorff's alpha handles it as missing).

    Parameters
    ----------
    labels_a, labels_b : sequence
        The two coders' labels, unit by unit.
    ids : sequence, optional
        Unit ids for ``disagreements`` and ``missing`` (default: positions).
    n_bootstrap : int, default=0
        Resamples of the units for the 95% intervals in ``ci95`` (0: none).
    random_state : int, default=0

    Returns
    -------
    dict
        ``n`` (units both coded), ``n_missing``, ``percent_agreement``, ``cohen_kappa``,
        ``krippendorff_alpha``, ``ci95`` (metric -> ``[low, high]``, when bootstrapped), ``per_type``
        (slug -> count by coder A, count by coder B, agreed, specific agreement ``2*agreed/(A+B)``),
        ``confusion`` (``labels``, ``matrix``: rows coder A, columns coder B), ``disagreements``
        (``[{"id", "a", "b"}]``, both coded) and ``missing`` (``[{"id", "a", "b"}]``, None for the gap).
    """
    a_all, b_all = [_code(v) for v in labels_a], [_code(v) for v in labels_b]
    if len(a_all) != len(b_all):
        raise InputDataError(f"coder A has {len(a_all)} labels but coder B has {len(b_all)}")
    keys = list(ids) if ids is not None else list(range(len(a_all)))
    both = [i for i, (x, y) in enumerate(zip(a_all, b_all, strict=True)) if x is not None and y is not None]
    a = [str(a_all[i]) for i in both]
    b = [str(b_all[i]) for i in both]
    order = {s: k for k, s in enumerate(get_taxonomy().slugs)}
    cats = sorted(set(a) | set(b), key=lambda s: (order.get(s, len(order)), s))
    per_type = {}
    for slug in cats:
        na, nb = a.count(slug), b.count(slug)
        agreed = sum(1 for x, y in zip(a, b, strict=True) if x == y == slug)
        per_type[slug] = {"a": na, "b": nb, "agreed": agreed, "specific_agreement": 2 * agreed / (na + nb)}
    matrix = [[sum(1 for x, y in zip(a, b, strict=True) if x == r and y == c) for c in cats] for r in cats]

    def stats(idx: Sequence[int]) -> dict[str, float]:
        sa, sb = [a[i] for i in idx], [b[i] for i in idx]
        return {
            "percent_agreement": float(np.mean([x == y for x, y in zip(sa, sb, strict=True)])) if sa else float("nan"),
            "cohen_kappa": _kappa(sa, sb),
        }

    point = stats(range(len(a)))
    alpha = _alpha([a_all, b_all])
    result: dict[str, Any] = {
        "n": len(a),
        "n_missing": len(a_all) - len(a),
        **point,
        "krippendorff_alpha": alpha,
    }
    if n_bootstrap:
        ci: dict[str, list[float] | None] = {
            key: _interval(lambda idx, k=key: stats(idx)[k], len(a), n_bootstrap, random_state) for key in point
        }
        ci["krippendorff_alpha"] = _interval(
            lambda idx: _alpha([[a_all[i] for i in idx], [b_all[i] for i in idx]]),
            len(a_all),
            n_bootstrap,
            random_state,
        )
        result["ci95"] = ci
    result.update(
        per_type=per_type,
        confusion={"labels": cats, "matrix": matrix},
        disagreements=[{"id": keys[i], "a": a_all[i], "b": b_all[i]} for i in both if a_all[i] != b_all[i]],
        missing=[
            {"id": keys[i], "a": a_all[i], "b": b_all[i]}
            for i in range(len(a_all))
            if a_all[i] is None or b_all[i] is None
        ],
    )
    return result


def multi_agreement(
    codes: Mapping[str, Sequence[Any]],
    ids: Sequence[Any] | None = None,
    *,
    n_bootstrap: int = 0,
    random_state: int = 0,
) -> dict[str, Any]:
    """Agreement among two or more coders on the same units.

    Parameters
    ----------
    codes : mapping
        Coder name -> labels, unit by unit (a missing code is None, NaN or empty).
    ids : sequence, optional
        Unit ids (default: positions).
    n_bootstrap : int, default=0
        Resamples of the units for the 95% intervals in ``ci95`` (0: none).
    random_state : int, default=0

    Returns
    -------
    dict
        ``coders``, ``n`` (units every coder coded), ``n_missing``, ``percent_agreement`` (share of those
        units on which all coders agree), ``fleiss_kappa`` (over those units), ``krippendorff_alpha`` (all
        units, missing codes as missing), ``ci95``, ``pairwise`` (``"A|B"`` -> Cohen's kappa and ``n``),
        ``disagreements`` (``[{"id", "labels"}]``) and ``missing`` (``[{"id", "labels"}]``).

    Examples
    --------
    >>> r = multi_agreement({"A": ["x", "x", "y"], "B": ["x", "y", "y"], "C": ["x", None, "y"]})
    >>> r["n"], r["n_missing"], r["percent_agreement"]
    (2, 1, 1.0)
    """
    names = list(codes)
    if len(names) < 2:
        raise InputDataError("agreement needs at least two coders")
    columns = [[_code(v) for v in codes[name]] for name in names]
    if len({len(c) for c in columns}) != 1:
        raise InputDataError("every coder needs a label (or an empty cell) for every unit")
    n_units = len(columns[0])
    keys = list(ids) if ids is not None else list(range(n_units))
    complete = [i for i in range(n_units) if all(col[i] is not None for col in columns)]

    def stats(units: Sequence[int]) -> dict[str, float]:
        sub = [[col[i] for i in units] for col in columns]
        full = [j for j in range(len(units)) if all(c[j] is not None for c in sub)]
        same = [len({c[j] for c in sub}) == 1 for j in full]
        return {
            "percent_agreement": float(np.mean(same)) if same else float("nan"),
            "fleiss_kappa": _fleiss(sub),
            "krippendorff_alpha": _alpha(sub),
        }

    point = stats(range(n_units))
    result: dict[str, Any] = {"coders": names, "n": len(complete), "n_missing": n_units - len(complete), **point}
    if n_bootstrap:
        result["ci95"] = {
            key: _interval(lambda idx, k=key: stats(idx)[k], n_units, n_bootstrap, random_state) for key in point
        }
    pairwise = {}
    for (i, x), (j, y) in itertools.combinations(enumerate(names), 2):
        pair = [k for k in range(n_units) if columns[i][k] is not None and columns[j][k] is not None]
        pa, pb = [str(columns[i][k]) for k in pair], [str(columns[j][k]) for k in pair]
        pairwise[f"{x}|{y}"] = {"n": len(pair), "cohen_kappa": _kappa(pa, pb)}
    result["pairwise"] = pairwise
    result["disagreements"] = [
        {"id": keys[i], "labels": {n: columns[c][i] for c, n in enumerate(names)}}
        for i in complete
        if len({col[i] for col in columns}) > 1
    ]
    result["missing"] = [
        {"id": keys[i], "labels": {n: columns[c][i] for c, n in enumerate(names)}}
        for i in range(n_units)
        if i not in set(complete)
    ]
    return result


@dataclass
class FileAgreement:
    """Agreement between the labels of two or more files, matched on an id column.

    Attributes
    ----------
    result : dict
        Two files: :func:`agreement` over the ids in both. More: :func:`multi_agreement` over the ids in all.
    shared : list of str
        Those ids, in the order of the first file.
    only_a, only_b : int
        How many ids occur in the first (second) file but not in every other file.
    texts : dict
        Id -> text, from the text column of any file (the first file's wins), when there is one.
    coders : list of str
        The coders' letters, ``a``, ``b``, ``c``... in the order of the files.
    files : list of str
        The files, in that order.
    labels : dict
        Coder letter -> label (or None) of each shared id, in ``shared`` order.
    id_column : str
        The id column's name as the first file spells it (kept in the adjudication table).
    """

    result: dict[str, Any]
    shared: list[str]
    only_a: int
    only_b: int
    texts: dict[str, str]
    coders: list[str] = field(default_factory=lambda: ["a", "b"])
    files: list[str] = field(default_factory=list)
    labels: dict[str, list[str | None]] = field(default_factory=dict)
    id_column: str = "id"

    def _table(self, wanted: Sequence[Any]) -> pd.DataFrame:
        import pandas as pd

        where = {key: k for k, key in enumerate(self.shared)}
        rows = []
        for key in wanted:
            k = where[key]
            row: dict[str, Any] = {self.id_column: key, "text": self.texts.get(key, "")}
            row.update({f"label_{c}": self.labels[c][k] or "" for c in self.coders})
            row["adjudicated"] = ""
            rows.append(row)
        columns = [self.id_column, "text", *(f"label_{c}" for c in self.coders), "adjudicated"]
        return pd.DataFrame(rows, columns=columns)

    def disagreements(self) -> pd.DataFrame:
        """Return the table for adjudication: units every coder coded, differently.

        Columns: the id (named as in the first file), ``text``, ``label_a``, ``label_b``... and an empty
        ``adjudicated``.
        """
        return self._table([d["id"] for d in self.result["disagreements"]])

    def missing(self) -> pd.DataFrame:
        """Return the units a coder left without a code (same columns as :meth:`disagreements`)."""
        return self._table([d["id"] for d in self.result["missing"]])


def _coded(
    path: str | Path, id_column: str, label_column: str, text_column: str
) -> tuple[dict[str, str | None], dict[str, str], str]:
    tax = get_taxonomy()
    frame = read_table(path)
    id_col = find_column(frame, id_column, path)
    lab_col = find_column(frame, label_column, path)
    labels: dict[str, str | None] = {}
    for i, (key, label) in enumerate(zip(frame[id_col], frame[lab_col], strict=True)):
        key = str(key).strip()
        code = _code(label.strip() if isinstance(label, str) else label)
        if key in labels:
            raise InputDataError(f"duplicate id {key!r}", path=str(path), row=sheet_row(i), column=id_col)
        try:
            labels[key] = tax.validate_label(code) if code else None
        except UnknownLabelError as exc:
            raise InputDataError(str(exc), path=str(path), row=sheet_row(i), column=lab_col) from None
    text_col = text_column if text_column in frame.columns else None
    texts = dict(zip(frame[id_col].astype(str).str.strip(), frame[text_col], strict=True)) if text_col else {}
    return labels, texts, id_col


def agreement_from_files(
    file_a: str | Path,
    file_b: str | Path,
    *more_files: str | Path,
    id_column: str = "id",
    label_column: str = "label",
    label_column_b: str | None = None,
    text_column: str = "text",
    n_bootstrap: int = 0,
    random_state: int = 0,
) -> FileAgreement:
    """Agreement between the labels of two or more coded files (``.csv``/``.xlsx``), matched on an id column.

    Parameters
    ----------
    file_a, file_b, *more_files : str or Path
        The coders' files (or a coder's file and a predictions file).
    id_column, label_column : str
        Columns of every file.
    label_column_b : str, optional
        The label column of every file after the first when it differs (``label`` of a predictions file).
    text_column : str, default="text"
        Shown in the disagreement table when a file has it.
    n_bootstrap : int, default=0
        Resamples of the units for 95% intervals (0: none).
    random_state : int, default=0

    Raises
    ------
    InputDataError
        For a missing column, a duplicate id, an unknown label (naming file, row and column), or when no
        id occurs in every file.
    """
    paths = [file_a, file_b, *more_files]
    coded = [
        _coded(p, id_column, label_column if k == 0 else (label_column_b or label_column), text_column)
        for k, p in enumerate(paths)
    ]
    first = coded[0][0]
    shared = [key for key in first if all(key in c[0] for c in coded[1:])]
    if not shared:
        where = "both files" if len(paths) == 2 else "every file"
        raise InputDataError(f"no id in column {id_column!r} occurs in {where}")
    letters = [chr(ord("a") + k) for k in range(len(paths))]
    labels = {letter: [c[0][key] for key in shared] for letter, c in zip(letters, coded, strict=True)}
    if len(paths) == 2:
        result = agreement(labels["a"], labels["b"], ids=shared, n_bootstrap=n_bootstrap, random_state=random_state)
    else:
        result = multi_agreement(labels, ids=shared, n_bootstrap=n_bootstrap, random_state=random_state)
    texts: dict[str, str] = {}
    for c in reversed(coded):
        texts.update(c[1])
    in_all = set(shared)
    return FileAgreement(
        result,
        shared,
        len(set(first) - in_all),
        len(set(coded[1][0]) - in_all),
        texts,
        coders=letters,
        files=[str(p) for p in paths],
        labels=labels,
        id_column=coded[0][2],
    )
