import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from activity_classifier.annotate import (
    CORPUS_COLUMNS,
    ReviewedItem,
    disagreements,
    merge_reviewed,
    read_reviewed,
    review_choices,
    review_label,
    text_key,
)
from activity_classifier.exceptions import EmptyInputError, InputDataError, UnknownLabelError
from activity_classifier.taxonomy import get_taxonomy

DATA = Path(__file__).parent / "data"


def corpus(*rows):
    return pd.DataFrame(
        [
            {c: "" for c in CORPUS_COLUMNS}
            | {"id": f"A{i}", "teacher_id": "T1", "text": t, "label": lab, "group": "x", "source": "constructed"}
            for i, (t, lab) in enumerate(rows)
        ],
        columns=list(CORPUS_COLUMNS),
    )


def item(where, text, label, **meta):
    return ReviewedItem(where, text, label, "", meta)


def outcome(report):
    return [(a.where, a.action, a.reason) for a in report.actions]


def test_added_changed_skipped():
    labelled = corpus(("Webinar over feedback gevolgd", "pd_programme"), ("Boek gelezen", "pd_programme"))
    items = [
        item("row 2", "Twee dagen naar het congres", "conference", report_id="V1", activity_no="3", teacher_id="T9"),
        item("row 3", "boek   gelezen", "information_sources"),  # same text, other label: the review wins
        item("row 4", "Webinar over feedback gevolgd", "F1"),  # an id is accepted; same label: nothing to do
        item("row 5", "Overleg met collega", ""),
        item("row 6", "Overleg met collega", "bogus"),
        item("row 7", "  ", "conference"),
    ]
    report = merge_reviewed(items, labelled)
    assert outcome(report) == [
        ("row 2", "added", ""),
        ("row 3", "changed", "was pd_programme"),
        ("row 4", "skipped", "already labelled the same (row 2)"),
        ("row 5", "skipped", "not reviewed"),
        ("row 6", "skipped", "unknown label ('bogus' is not one of the eleven slugs)"),
        ("row 7", "skipped", "empty text"),
    ]
    merged = report.merged
    assert len(merged) == 3
    changed = merged[merged["id"] == "A1"].iloc[0]
    assert (changed["label"], changed["group"], changed["source"]) == ("information_sources", "informal", "reviewed")
    added = merged.iloc[-1]
    assert added["id"].startswith("R") and len(added["id"]) == 11
    assert (added["teacher_id"], added["report_no"], added["activity_no"]) == ("T9", "V1", "3")
    assert (added["label"], added["group"], added["source"]) == ("conference", "formal", "reviewed")
    untouched = merged[merged["id"] == "A0"].iloc[0]
    assert (untouched["label"], untouched["source"]) == ("pd_programme", "constructed")
    assert report.summary() == (
        "added 1, changed 1, skipped 4 (already labelled the same: 1, not reviewed: 1, unknown label: 1, empty text: 1)"
    )


def test_duplicates_and_conflicts_within_the_reviewed_file():
    items = [
        item("row 2", "Webinar gevolgd", "pd_programme"),
        item("row 3", "webinar gevolgd", "pd_programme"),
        item("row 4", "Boek gelezen", "information_sources"),
        item("row 5", "Boek gelezen", "reflecting_evaluating"),
    ]
    report = merge_reviewed(items, None)
    assert outcome(report) == [
        ("row 2", "added", ""),
        ("row 3", "skipped", "duplicate (same text as row 2)"),
        (
            "row 4",
            "skipped",
            "conflicting labels for the same text (row 4, row 5: information_sources vs reflecting_evaluating)",
        ),
        (
            "row 5",
            "skipped",
            "conflicting labels for the same text (row 4, row 5: information_sources vs reflecting_evaluating)",
        ),
    ]
    assert report.merged["text"].tolist() == ["Webinar gevolgd"]
    assert list(report.merged.columns) == list(CORPUS_COLUMNS)


def test_group_falls_back_to_the_report():
    report = merge_reviewed([item("task 1", "Webinar", "pd_programme", source_file="in/verslag_3.docx")], None)
    assert report.merged.iloc[0]["teacher_id"] == "verslag_3"


def test_merging_twice_changes_nothing():
    items = [item("row 2", "Webinar gevolgd", "pd_programme")]
    first = merge_reviewed(items, None).merged
    second = merge_reviewed(items, first)
    assert second.merged.equals(first)
    assert second.summary() == "added 0, changed 0, skipped 1 (already labelled the same: 1)"


def test_own_labelled_file_with_other_columns():
    labelled = pd.DataFrame({"Tekst": ["Boek gelezen"], "Code": ["I4"]})
    report = merge_reviewed(
        [item("row 2", "Congres", "conference")], labelled, text_column="tekst", label_column="code"
    )
    assert report.merged.to_dict("records") == [
        {"Tekst": "Boek gelezen", "Code": "I4", "source": ""},
        {"Tekst": "Congres", "Code": "conference", "source": "reviewed"},
    ]


def test_text_key():
    assert text_key(" Ideeën  uitgewisseld\n") == text_key("ideeën uitgewisseld")


# -- reading reviewed files -----------------------------------------------------------------------------
def test_read_reviewed_csv(tmp_path):
    path = tmp_path / "review.csv"
    path.write_text(
        "order;text;label;label_reviewed;report_id;activity_no\n"
        "2;Boek gelezen;pd_programme;information_sources;V1;2\n"
        "1;Webinar;pd_programme;;V1;1\n",
        encoding="cp1252",
    )
    items = read_reviewed(path)
    assert [(i.where, i.text, i.label) for i in items] == [
        ("row 2", "Boek gelezen", "information_sources"),
        ("row 3", "Webinar", ""),
    ]
    assert items[0].meta == {"report_id": "V1", "activity_no": "2"}


def test_read_reviewed_xlsx_needs_the_reviewed_column(tmp_path):
    wb = Workbook()
    wb.active.append(["text", "label"])
    wb.active.append(["Webinar", "pd_programme"])
    wb.save(tmp_path / "r.xlsx")
    with pytest.raises(InputDataError, match="column 'label_reviewed': column not found"):
        read_reviewed(tmp_path / "r.xlsx")


def test_read_real_labelstudio_export():
    """An export made by Label Studio 1.23.2 from tasks written by prelabel (see docs/prelabel.md)."""
    items = read_reviewed(DATA / "labelstudio_export.json")
    got = {i.where: (i.label, i.skip_reason) for i in items}
    assert got == {
        "task 1": ("", ""),
        "task 2": ("", ""),
        "task 3": ("", ""),
        "task 5": ("interaction_collaboration", ""),  # the annotator changed the prediction (tasks_roles)
        "task 6": ("interaction_collaboration", ""),
        "task 7": ("", "skipped by the annotator in Label Studio"),
        "task 8": ("", "annotators disagree (conference vs pd_programme)"),
        "task 9": ("teaching_coaching", ""),  # the annotator accepted the prediction
    }
    task5 = next(i for i in items if i.where == "task 5")
    assert task5.meta == {
        "report_id": "leerverslag_economie",
        "activity_no": "6",
        "teacher_id": "",
        "source_file": "examples/leerverslag_economie.docx",
    }
    report = merge_reviewed(items, None)
    assert report.summary() == (
        "added 3, changed 0, skipped 5 (not reviewed: 3, skipped by the annotator in Label Studio: 1, "
        "annotators disagree: 1)"
    )


def test_predictions_are_never_imported(tmp_path):
    task = {
        "id": 1,
        "data": {"text": "Webinar"},
        "annotations": [],
        "predictions": [{"result": [{"type": "choices", "value": {"choices": ["pd_programme"]}}]}],
    }
    (tmp_path / "e.json").write_text(json.dumps([task]), encoding="utf-8")
    assert [(i.label, i.skip_reason) for i in read_reviewed(tmp_path / "e.json")] == [("", "")]


def test_read_labelstudio_json_min(tmp_path):
    tasks = [{"id": 4, "text": "Congres", "label": "conference"}, {"id": 5, "text": "Boek"}]
    (tmp_path / "min.json").write_text(json.dumps(tasks), encoding="utf-8")
    assert [(i.where, i.label) for i in read_reviewed(tmp_path / "min.json")] == [
        ("task 4", "conference"),
        ("task 5", ""),
    ]


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        ("{not json", InputDataError, "not a readable JSON file"),
        ('{"data": {}}', InputDataError, "expected a Label Studio export"),
        ("[]", EmptyInputError, "the export holds no tasks"),
        ('[{"data": {"tekst": "x"}}]', InputDataError, "task 1 has no 'text' in its data"),
    ],
)
def test_bad_labelstudio_exports(tmp_path, content, error, message):
    (tmp_path / "e.json").write_text(content, encoding="utf-8")
    with pytest.raises(error, match=message) as info:
        read_reviewed(tmp_path / "e.json")
    assert str(tmp_path / "e.json") in str(info.value)


# -- what annotators type: Dutch drop-down items, slugs, ids ------------------------------------------------
@pytest.mark.parametrize(
    "label",
    [
        "F4 - conferentie",
        "f4 - CONFERENTIE",
        "  F4  -  conferentie ",
        "conference",
        "Conference",
        "F4",
        "f4",
        "conferentie",
        "Leren door het bijwonen van een conferentie of congres",
    ],
)
def test_review_label_accepts_dutch_items_slugs_and_ids(label):
    assert review_label(label) == "conference"
    report = merge_reviewed([item("row 2", "Congres bezocht", label)], None)
    assert outcome(report) == [("row 2", "added", "")]
    assert report.merged["label"].tolist() == ["conference"]


@pytest.mark.parametrize("label", ["F4 conferentie extra", "F12", "konferentie", "F4 -"])
def test_review_label_refuses_anything_else(label):
    with pytest.raises(UnknownLabelError, match="valid labels are"):
        review_label(label)
    report = merge_reviewed([item("row 2", "Congres bezocht", label)], None)
    assert report.actions[0].action == "skipped" and report.actions[0].reason.startswith("unknown label")


def test_every_drop_down_item_maps_back_to_its_slug():
    assert [review_label(c.item) for c in review_choices()] == list(get_taxonomy().slugs)
    assert len({c.item for c in review_choices()}) == 11


def test_read_reviewed_reads_needs_review_ja_nee(tmp_path):
    path = tmp_path / "review.csv"
    path.write_text(
        "text;needs_review;label_reviewed\nBoek;ja;F4 - conferentie\nWebinar;nee;\nCongres;onbekend;\n",
        encoding="utf-8-sig",
    )
    items = read_reviewed(path)
    assert [i.needs_review for i in items] == [True, False, None]
    assert items[0].label == "F4 - conferentie"
    assert items[0].to_dict()["needs_review"] is True


# -- Label Studio: null annotations, disagreements ---------------------------------------------------------
def test_labelstudio_annotations_null_is_no_annotation(tmp_path):
    tasks = [
        {"id": 1, "data": {"text": "Webinar"}, "annotations": None, "predictions": None},
        {"id": 2, "data": {"text": "Congres"}, "annotations": [{"result": None}]},
        {"id": 3, "data": {"text": "Boek"}, "annotations": [None, {"result": [None, {"type": "choices"}]}]},
    ]
    (tmp_path / "e.json").write_text(json.dumps(tasks), encoding="utf-8")
    items = read_reviewed(tmp_path / "e.json")
    assert [(i.where, i.label, i.skip_reason) for i in items] == [
        ("task 1", "", ""),
        ("task 2", "", ""),
        ("task 3", "", ""),
    ]


def test_labelstudio_annotations_of_the_wrong_type_is_one_line(tmp_path):
    (tmp_path / "e.json").write_text(json.dumps([{"id": 7, "data": {"text": "x"}, "annotations": "ja"}]), "utf-8")
    with pytest.raises(InputDataError, match="task 7: 'annotations' is not a list"):
        read_reviewed(tmp_path / "e.json")


def test_labelstudio_dutch_choice_values_map_back(tmp_path):
    """A project whose config uses the Dutch items as values: the same type is not a disagreement."""
    task = {
        "id": 3,
        "data": {"text": "Congres"},
        "annotations": [
            {"completed_by": 1, "result": [{"type": "choices", "value": {"choices": ["F4 - conferentie"]}}]},
            {"completed_by": 2, "result": [{"type": "choices", "value": {"choices": ["conference"]}}]},
        ],
    }
    (tmp_path / "e.json").write_text(json.dumps([task]), encoding="utf-8")
    (got,) = read_reviewed(tmp_path / "e.json")
    assert (got.label, got.skip_reason) == ("conference", "")


def test_disagreements_from_the_real_export():
    items = read_reviewed(DATA / "labelstudio_export.json")
    frame = disagreements(items)
    assert frame["where"].tolist() == ["task 8"]
    row = frame.iloc[0]
    assert row["labels"] == "conference vs pd_programme"
    votes = next(i for i in items if i.where == "task 8").votes
    assert sorted(label for _, label in votes) == ["conference", "pd_programme"]
    assert len({who for who, _ in votes}) == 2  # one user's two annotations are told apart
    assert row["annotations"] == "; ".join(f"{w}: {lab}" for w, lab in votes)
    assert row["annotations"].startswith("annotator 1 (annotation ")
    assert row["label_reviewed"] == "" and row["text"]
    assert list(frame.columns)[:3] == ["where", "text", "label_reviewed"]


def test_no_disagreements_gives_an_empty_table_with_the_columns():
    frame = disagreements([item("row 2", "Webinar", "pd_programme")])
    assert frame.empty and "label_reviewed" in frame.columns
