"""The record of one activity read from a learner report, and of everything read from the inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Activity", "Ingested"]


@dataclass(frozen=True)
class Activity:
    """One activity description with its source.

    Attributes
    ----------
    text : str
        The description as written (list markers removed); may be empty.
    source_file : str
        The file it came from, as given or found in a folder.
    report_id : str
        The report it belongs to: a report column's value, the file name of a document, or the file name
        and row of a wide table.
    activity_no : int
        Its number within the report, from 1.
    location : str
        Where in the file: ``row 5``, ``row 3, column 'activiteit_2'``, ``paragraphs 4-6`` or ``line 7``.
    teacher_id : str
        The teacher, from a teacher column; empty when unknown.
    """

    text: str
    source_file: str
    report_id: str
    activity_no: int
    location: str
    teacher_id: str = ""


@dataclass
class Ingested:
    """The activities read from all inputs, and what was noticed on the way.

    Attributes
    ----------
    activities : list of Activity
        In input order.
    files : list of Path
        The files read.
    notes : list of str
        One line per file saying how it was read (layout detected, columns used, split mode).
    """

    activities: list[Activity] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
