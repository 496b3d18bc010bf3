"""Annotation: learner reports in, review files out, corrections back.

``prelabel`` reads learner reports (tables, Word documents, text files, folders), splits free text into
activities, finds personal data, classifies every activity and returns one review table; the export
functions write it for Excel, Label Studio or doccano; ``read_reviewed`` and ``merge_reviewed`` bring the
annotators' corrections back into a labelled training file.

Modules (private; everything public is listed in ``__all__`` here): ``_inputs`` (which files, reading them
all), ``_tables`` (table-layout detection), ``_split`` (free-text splitting), ``_docx`` (Word documents),
``_privacy``, ``_prelabel``, ``_choices`` (the types as annotators see them), ``_export``, ``_review``,
``_select`` (what to code next).
"""

from ._activity import Activity, Ingested
from ._choices import ReviewChoice, needs_review_text, parse_needs_review, review_choices, review_label
from ._docx import read_docx_lines
from ._export import (
    EMPTY_TEXT,
    FORMAT_SUFFIXES,
    FORMATS,
    LABELSTUDIO_FROM_NAME,
    LABELSTUDIO_TO_NAME,
    OutputFormat,
    doccano_records,
    format_for,
    labelstudio_config,
    labelstudio_config_path,
    labelstudio_tasks,
    wrapped_lines,
    write_output,
)
from ._inputs import DOCUMENT_SUFFIXES, SUPPORTED_SUFFIXES, expand_inputs, read_activities
from ._prelabel import REVIEW_COLUMNS, PrelabelResult, model_version, prelabel, review_frame, sort_for_review
from ._privacy import KINDS, PLACEHOLDERS, Finding, find_personal_data, redact
from ._review import (
    CORPUS_COLUMNS,
    MergeAction,
    MergeReport,
    ReviewedItem,
    disagreements,
    merge_reviewed,
    read_reviewed,
    text_key,
)
from ._select import Selection, select_batch, select_for_coding
from ._split import Block, Line, read_txt_lines, split_report
from ._tables import ColumnNames, Layout, TableLayout, TableOptions, column_names, detect_layout

__all__ = [
    "CORPUS_COLUMNS",
    "DOCUMENT_SUFFIXES",
    "EMPTY_TEXT",
    "FORMATS",
    "FORMAT_SUFFIXES",
    "KINDS",
    "LABELSTUDIO_FROM_NAME",
    "LABELSTUDIO_TO_NAME",
    "PLACEHOLDERS",
    "REVIEW_COLUMNS",
    "SUPPORTED_SUFFIXES",
    "Activity",
    "Block",
    "ColumnNames",
    "Finding",
    "Ingested",
    "Layout",
    "Line",
    "MergeAction",
    "MergeReport",
    "OutputFormat",
    "PrelabelResult",
    "ReviewChoice",
    "ReviewedItem",
    "Selection",
    "TableLayout",
    "TableOptions",
    "column_names",
    "detect_layout",
    "disagreements",
    "doccano_records",
    "expand_inputs",
    "find_personal_data",
    "format_for",
    "labelstudio_config",
    "labelstudio_config_path",
    "labelstudio_tasks",
    "merge_reviewed",
    "model_version",
    "needs_review_text",
    "parse_needs_review",
    "prelabel",
    "read_activities",
    "read_docx_lines",
    "read_reviewed",
    "read_txt_lines",
    "redact",
    "review_choices",
    "review_frame",
    "review_label",
    "select_batch",
    "select_for_coding",
    "sort_for_review",
    "split_report",
    "text_key",
    "wrapped_lines",
    "write_output",
]
