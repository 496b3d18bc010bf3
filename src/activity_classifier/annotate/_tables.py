"""Table-layout detection: which columns of a table hold the activities, and reading them.

*Long* tables hold one activity a row, in a text column. *Wide* tables hold one report a row, with numbered
activity columns such as ``activiteit_1`` .. ``activiteit_5``. The caller may name the columns; otherwise
they are detected (see :func:`detect_layout`) and the detection is reported.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..exceptions import InputDataError
from ..tables import find_column, sheet_row

if TYPE_CHECKING:
    import pandas as pd

from ._activity import Activity

__all__ = [
    "ColumnNames",
    "Layout",
    "TableLayout",
    "TableOptions",
    "column_names",
    "detect_layout",
    "read_table_activities",
]

Layout = Literal["auto", "long", "wide"]


@dataclass(frozen=True)
class ColumnNames:
    """Column names recognised when the user names none, read from the packaged ``columns.toml``."""

    text: tuple[str, ...]
    report: tuple[str, ...]
    teacher: tuple[str, ...]
    activity_no: tuple[str, ...]
    wide: re.Pattern[str]


@lru_cache(maxsize=1)
def column_names() -> ColumnNames:
    """Return the packaged column names (cached).

    Examples
    --------
    >>> column_names().text[:3]
    ('text', 'tekst', 'activiteit')
    >>> bool(column_names().wide.match("Activiteit 2"))
    True
    """
    raw = tomllib.loads(resources.files("activity_classifier").joinpath("resources/columns.toml").read_text("utf-8"))
    stems = "|".join(re.escape(s) for s in sorted(raw["wide_stems"], key=len, reverse=True))
    return ColumnNames(
        text=tuple(raw["text"]),
        report=tuple(raw["report"]),
        teacher=tuple(raw["teacher"]),
        activity_no=tuple(raw["activity_no"]),
        wide=re.compile(rf"^(?:{stems})[\s_.-]*(\d{{1,2}})$", re.IGNORECASE),
    )


def _key(name: object) -> str:
    return re.sub(r"[\s_-]+", "", str(name).casefold())


@dataclass(frozen=True)
class TableLayout:
    """The columns used to read a table (detected or given).

    Attributes
    ----------
    layout : {"long", "wide"}
        One activity a row, or one report a row.
    text_columns : tuple of str
        The text column (long) or the activity columns in order (wide).
    report_column, teacher_column, activity_no_column : str or None
        Optional id columns.
    """

    layout: Literal["long", "wide"]
    text_columns: tuple[str, ...]
    report_column: str | None = None
    teacher_column: str | None = None
    activity_no_column: str | None = None

    def describe(self) -> str:
        """One line saying which columns are used."""
        if self.layout == "long":
            parts = [f"long layout, text column {self.text_columns[0]!r}"]
        else:
            cols = ", ".join(repr(c) for c in self.text_columns)
            parts = [f"wide layout, {len(self.text_columns)} activity columns {cols}"]
        for what, col in (
            ("report", self.report_column),
            ("teacher", self.teacher_column),
            ("activity number", self.activity_no_column),
        ):
            if col:
                parts.append(f"{what} column {col!r}")
        return "; ".join(parts)


def _match(columns: Sequence[str], names: Sequence[str]) -> str | None:
    keys = {_key(c): c for c in columns}
    for name in names:
        if _key(name) in keys:
            return keys[_key(name)]
    return None


@dataclass(frozen=True)
class TableOptions:
    """How to read tables of learner reports: the columns and layout a user names (all optional).

    Attributes
    ----------
    text_column : str, optional
        The text column of a long table.
    activity_columns : tuple of str, optional
        The activity columns of a wide table, in order; a single name ending in ``*`` selects every
        column starting with that prefix, ordered by the number in its name.
    report_column, teacher_column : str, optional
        Id columns; detected by name when omitted (``report_id``, ``verslag``, ``teacher_id``,
        ``docent`` ...).
    layout : {"auto", "long", "wide"}, default="auto"
        Force a layout; ``auto`` chooses wide when at least two numbered activity columns exist
        (``activiteit_1``, ``activiteit_2`` ...), else long.
    """

    text_column: str | None = None
    activity_columns: tuple[str, ...] | None = None
    report_column: str | None = None
    teacher_column: str | None = None
    layout: Layout = "auto"


def detect_layout(
    frame: pd.DataFrame,
    options: TableOptions | None = None,
    *,
    path: str | Path | None = None,
) -> TableLayout:
    """Decide how a table holds its activities.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table, as read by :func:`~activity_classifier.tables.read_table`.
    options : TableOptions, optional
        The columns and layout the user named (see :class:`TableOptions`); detected when omitted.
    path : str or Path, optional
        The file, for error messages.

    Returns
    -------
    TableLayout

    Raises
    ------
    InputDataError
        If a named column is missing, or no text column can be found.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"Verslag": ["V1"], "Activiteit 1": ["a"], "Activiteit 2": ["b"]})
    >>> detect_layout(frame).describe()
    "wide layout, 2 activity columns 'Activiteit 1', 'Activiteit 2'; report column 'Verslag'"
    """
    names = column_names()
    o = options if options is not None else TableOptions()
    text_column, activity_columns, layout = o.text_column, o.activity_columns, o.layout
    report_column, teacher_column = o.report_column, o.teacher_column
    columns = [str(c) for c in frame.columns]
    where = None if path is None else str(path)
    report = find_column(frame, report_column, path) if report_column else _match(columns, names.report)
    teacher = find_column(frame, teacher_column, path) if teacher_column else _match(columns, names.teacher)

    wide_cols: list[str] = []
    if activity_columns:
        if len(activity_columns) == 1 and activity_columns[0].endswith("*"):
            prefix = _key(activity_columns[0][:-1])
            wide_cols = [c for c in columns if _key(c).startswith(prefix)]
            if not wide_cols:
                raise InputDataError(f"no column starts with {activity_columns[0][:-1]!r}", path=where)
            wide_cols.sort(key=lambda c: int(m.group()) if (m := re.search(r"\d+", c)) else 0)
        else:
            wide_cols = [find_column(frame, c, path) for c in activity_columns]
    elif layout != "long" and not text_column:
        numbered = [(int(m.group(1)), c) for c in columns if (m := names.wide.match(c.strip()))]
        wide_cols = [c for _, c in sorted(numbered)] if len(numbered) >= 2 or layout == "wide" else []
    if layout == "wide" and not wide_cols:
        raise InputDataError(
            "no numbered activity columns (such as 'activiteit_1', 'activiteit_2') found; name them with "
            "--activity-columns",
            path=where,
        )
    if wide_cols and layout != "long" and not text_column:
        return TableLayout("wide", tuple(wide_cols), report, teacher)

    text: str | None
    if text_column:
        text = find_column(frame, text_column, path)
    else:
        text = _match(columns, names.text) or _longest_text_column(frame, exclude={report, teacher})
        if text is None:
            available = ", ".join(repr(c) for c in columns)
            raise InputDataError(
                f"cannot tell which column holds the activity texts; name it with --text-column "
                f"(available columns: {available})",
                path=where,
            )
    number = _match(columns, names.activity_no)
    return TableLayout("long", (text,), report, teacher, number if number != text else None)


def _longest_text_column(frame: pd.DataFrame, exclude: set[str | None]) -> str | None:
    """Return the column with the longest texts on average, if they look like sentences (20+ characters)."""
    best, best_len = None, 20.0
    for col in frame.columns:
        if col in exclude:
            continue
        mean = float(frame[col].astype(str).str.len().mean())
        if mean > best_len:
            best, best_len = str(col), mean
    return best


def read_table_activities(path: Path, frame: pd.DataFrame, spec: TableLayout) -> list[Activity]:
    """Return the activities of a table read with the layout ``spec``, in row order."""
    out: list[Activity] = []
    name = str(path)
    stem = path.stem
    counters: dict[str, int] = {}
    for i, row in enumerate(frame.to_dict("records")):
        r = sheet_row(i)
        report = str(row[spec.report_column]).strip() if spec.report_column else ""
        teacher = str(row[spec.teacher_column]).strip() if spec.teacher_column else ""
        if spec.layout == "long":
            report = report or stem
            number = _int_or_none(row[spec.activity_no_column]) if spec.activity_no_column else None
            counters[report] = counters.get(report, 0) + 1
            out.append(
                Activity(
                    text=str(row[spec.text_columns[0]]).strip(),
                    source_file=name,
                    report_id=report,
                    activity_no=number if number is not None else counters[report],
                    location=f"row {r}",
                    teacher_id=teacher,
                )
            )
            continue
        report = report or f"{stem} row {r}"
        cells = [(c, str(row[c]).strip()) for c in spec.text_columns]
        # A form has room for more activities than a teacher writes: empty cells after the last filled one
        # are not activities. An empty cell before it is an empty item and is kept (and flagged later).
        last = max((k for k, (_, v) in enumerate(cells) if v), default=0)
        for k, (col, value) in enumerate(cells[: last + 1]):
            out.append(
                Activity(
                    text=value,
                    source_file=name,
                    report_id=report,
                    activity_no=k + 1,
                    location=f"row {r}, column {col!r}",
                    teacher_id=teacher,
                )
            )
    return out


def _int_or_none(value: object) -> int | None:
    try:
        return int(float(str(value).strip()))
    except ValueError:
        return None
