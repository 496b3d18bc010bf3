import hashlib
from pathlib import Path

import docx
import pandas as pd
import pytest
from openpyxl import Workbook

from activity_classifier.annotate import Line, TableOptions, detect_layout, read_activities, split_report
from activity_classifier.exceptions import EmptyInputError, InputDataError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def texts(blocks):
    return [b.text for b in blocks]


# -- splitting free text ----------------------------------------------------------------------------------
SPLITS = [
    pytest.param(
        "1. Webinar over feedback gevolgd\n2. Boek over motivatie gelezen\n3. Congres bezocht",
        ["Webinar over feedback gevolgd", "Boek over motivatie gelezen", "Congres bezocht"],
        id="numbered",
    ),
    pytest.param(
        "1) Webinar gevolgd\n2) Boek gelezen",
        ["Webinar gevolgd", "Boek gelezen"],
        id="numbered-with-bracket",
    ),
    pytest.param(
        "- Overleg met collega\n  - over de stage\n  - over toetsen\n    * en herkansingen\n- Congres bezocht",
        ["Overleg met collega\n- over de stage\n- over toetsen\n- en herkansingen", "Congres bezocht"],
        id="nested-bullets",
    ),
    pytest.param(
        "• Training gevolgd\n• Artikel gelezen",
        ["Training gevolgd", "Artikel gelezen"],
        id="unicode-bullets",
    ),
    pytest.param(
        "1. Webinar\n- wat ik leerde\n- wat ik nu anders doe\n2. Boek",
        ["Webinar\n- wat ik leerde\n- wat ik nu anders doe", "Boek"],
        id="bullets-under-numbers-are-nested",
    ),
    pytest.param(
        "1. Lesbezoek gehad\n1.1 voorbereiding\n1.2 nagesprek\n2. Boek gelezen",
        ["Lesbezoek gehad\n- voorbereiding\n- nagesprek", "Boek gelezen"],
        id="decimal-sub-items",
    ),
    pytest.param(
        "1. Webinar gevolgd\n2.\n3. Boek gelezen\n-",
        ["Webinar gevolgd", "", "Boek gelezen"],
        id="empty-numbered-item",
    ),
    pytest.param(
        "- Webinar\n-\n- Boek",
        ["Webinar", "", "Boek"],
        id="empty-bullet",
    ),
    pytest.param(
        "1. Webinar gevolgd over\n   feedback geven.\n   Ik leerde veel.\n\n2. Boek gelezen",
        ["Webinar gevolgd over feedback geven. Ik leerde veel.", "Boek gelezen"],
        id="continuation-lines",
    ),
    pytest.param(
        "Leerverslag 2\nDeze periode deed ik het volgende:\n\n1. Webinar\n2. Boek",
        ["Webinar", "Boek"],
        id="introduction-left-out",
    ),
    pytest.param(
        "Activiteit 1: Webinar\nIk volgde een webinar.\n\nActiviteit 2\nIk las een boek.\n- met tips\nActiviteit 3",
        ["Webinar\nIk volgde een webinar.", "Ik las een boek.\n- met tips", ""],
        id="activity-headings",
    ),
    pytest.param(
        "# Leerverslag\n## Webinar feedback\nDat was goed.\n## Boek\nGelezen.",
        ["Webinar feedback\nDat was goed.", "Boek\nGelezen."],
        id="markdown-headings",
    ),
    pytest.param(
        "Ik volgde een webinar over\nfeedback geven.\n\nIk las een boek.\n\n\nIk ging naar een congres.",
        ["Ik volgde een webinar over feedback geven.", "Ik las een boek.", "Ik ging naar een congres."],
        id="blank-line-paragraphs",
    ),
    pytest.param(
        "Ik volgde een webinar over feedback. Daarna heb ik\nmijn lessen aangepast.",
        ["Ik volgde een webinar over feedback. Daarna heb ik mijn lessen aangepast."],
        id="one-paragraph-report",
    ),
    pytest.param(
        "Informele activiteiten\n- Overleg\n\nFormele activiteiten\n- Training",
        ["Overleg", "Training"],
        id="unindented-text-after-blank-ends-item",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SPLITS)
def test_split_report(text, expected):
    assert texts(split_report(text.splitlines())) == expected


def test_split_report_positions():
    blocks = split_report("Titel\n\n1. Webinar\n   met uitleg\n2.\n3. Boek".splitlines())
    assert [(b.start, b.end) for b in blocks] == [(3, 4), (5, 5), (6, 6)]


def test_split_report_section_heading_ends_an_item():
    lines = [Line("Webinar", 1, 0, "number"), Line("Formeel", 2, heading=True), Line("Training", 3, 0, "number")]
    assert texts(split_report(lines)) == ["Webinar", "Training"]


def test_each_paragraph_without_blank_lines():
    lines = ["Ik volgde een webinar.", "Ik las een boek."]
    assert texts(split_report(lines)) == ["Ik volgde een webinar. Ik las een boek."]
    assert texts(split_report(lines, each_paragraph=True)) == lines


def test_empty_report_has_no_blocks():
    assert split_report(["", "  "]) == []


# -- documents ------------------------------------------------------------------------------------------
def make_docx(path, build):
    document = docx.Document()
    build(document)
    document.save(path)
    return path


def test_docx_with_word_list_styles(tmp_path):
    def build(d):
        d.add_heading("Leerverslag 1", level=1)
        d.add_paragraph("Dit deed ik deze periode:")
        d.add_paragraph("Webinar over formatief evalueren gevolgd.", style="List Number")
        d.add_paragraph("met een collega uit zorg", style="List Bullet 2")
        d.add_paragraph("Ik gebruik nu vaker exit tickets.")
        d.add_paragraph("", style="List Number")
        d.add_paragraph("Congres in Utrecht bezocht.", style="List Number")

    path = make_docx(tmp_path / "verslag.docx", build)
    result = read_activities([path])
    acts = result.activities
    assert [a.text for a in acts] == [
        "Webinar over formatief evalueren gevolgd.\n- met een collega uit zorg\nIk gebruik nu vaker exit tickets.",
        "",
        "Congres in Utrecht bezocht.",
    ]
    assert [a.activity_no for a in acts] == [1, 2, 3]
    assert [a.location for a in acts] == ["paragraphs 3-5", "paragraph 6", "paragraph 7"]
    assert {a.report_id for a in acts} == {"verslag"}
    assert {a.source_file for a in acts} == {str(path)}
    assert "paragraphs 1-2" in result.notes[0]


def test_docx_with_paragraph_numbering(tmp_path):
    """Numbering set on the paragraph itself (as Word does after a toolbar click), with its list level."""

    def build(d):
        bullet = d.styles["List Bullet"].element.pPr.numPr.numId.val
        number = d.styles["List Number"].element.pPr.numPr.numId.val
        for text, num_id, level in [
            ("Training gevolgd", number, 0),
            ("twee middagen", bullet, 1),
            ("Boek gelezen", number, 0),
        ]:
            p = d.add_paragraph(text)
            num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = level
            num_pr.get_or_add_numId().val = num_id

    path = make_docx(tmp_path / "nummering.docx", build)
    assert [a.text for a in read_activities([path]).activities] == ["Training gevolgd\n- twee middagen", "Boek gelezen"]


def test_docx_typed_markers_and_headings(tmp_path):
    def build(d):
        d.add_heading("Activiteit 1: Webinar", level=2)
        d.add_paragraph("Ik volgde een webinar over feedback.")
        d.add_heading("Activiteit 2", level=2)
        d.add_paragraph("- boek gelezen")
        d.add_paragraph("- artikel gelezen")

    path = make_docx(tmp_path / "koppen.docx", build)
    acts = read_activities([path]).activities
    assert [a.text for a in acts] == [
        "Webinar\nIk volgde een webinar over feedback.",
        "- boek gelezen\n- artikel gelezen",
    ]


def test_docx_plain_paragraphs_are_one_activity_each(tmp_path):
    def build(d):
        d.add_paragraph("Ik volgde een webinar.")
        d.add_paragraph("Ik las een boek.")

    path = make_docx(tmp_path / "alinea.docx", build)
    assert [a.text for a in read_activities([path]).activities] == ["Ik volgde een webinar.", "Ik las een boek."]


def test_docx_table_rows(tmp_path):
    def build(d):
        table = d.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Webinar", "over feedback"
        table.cell(1, 0).text, table.cell(1, 1).text = "Boek", "over motivatie"

    path = make_docx(tmp_path / "tabel.docx", build)
    assert [a.text for a in read_activities([path]).activities] == ["Webinar | over feedback", "Boek | over motivatie"]


def test_example_docx():
    result = read_activities([EXAMPLES / "leerverslag_economie.docx"])
    acts = result.activities
    assert len(acts) == 6
    assert acts[0].text.startswith("Met mijn klas 2B")
    assert "\n- de studenten kregen feedback" in acts[0].text
    assert acts[3].text == ""
    assert "m.bakker@roc-voorbeeld.nl" in acts[5].text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_txt_encodings(tmp_path, encoding):
    path = tmp_path / "verslag.txt"
    path.write_bytes("1. Ideeën uitgewisseld\n2. Café-overleg\n".encode(encoding))
    acts = read_activities([path]).activities
    assert [a.text for a in acts] == ["Ideeën uitgewisseld", "Café-overleg"]
    assert [a.location for a in acts] == ["line 1", "line 2"]


# -- tables ---------------------------------------------------------------------------------------------
def test_semicolon_cp1252_long_csv_example():
    result = read_activities([EXAMPLES / "leerverslagen_team_techniek.csv"])
    acts = result.activities
    assert len(acts) == 10
    assert acts[1].text == "Bij de koffie met collega's ideeën uitgewisseld over het nakijken van praktijkopdrachten."
    assert (acts[0].report_id, acts[0].teacher_id, acts[0].activity_no, acts[0].location) == (
        "T-11",
        "docent T1",
        1,
        "row 2",
    )
    assert acts[2].text == ""  # an empty row is an (empty) activity, not dropped
    assert "long layout, text column 'beschrijving'" in result.notes[0]


def test_wide_xlsx_example():
    result = read_activities([EXAMPLES / "leerverslagen_team_zorg.xlsx"])
    acts = result.activities
    by_report = {}
    for a in acts:
        by_report.setdefault(a.report_id, []).append(a)
    # Trailing empty cells are room on the form, not activities; an empty cell before a filled one is kept.
    assert {r: len(v) for r, v in by_report.items()} == {"Z-01": 3, "Z-02": 4, "Z-03": 5, "Z-04": 1, "Z-05": 2}
    assert by_report["Z-02"][1].text == ""
    assert by_report["Z-02"][1].location == "row 3, column 'activiteit_2'"
    assert by_report["Z-03"][4].activity_no == 5
    assert "wide layout, 5 activity columns" in result.notes[0]


def test_long_csv_without_id_columns(tmp_path):
    path = tmp_path / "lijst.csv"
    path.write_text("tekst\nWebinar gevolgd\nBoek gelezen\n", encoding="utf-8")
    acts = read_activities([path]).activities
    assert [(a.report_id, a.activity_no, a.location) for a in acts] == [("lijst", 1, "row 2"), ("lijst", 2, "row 3")]


def test_named_columns_override_detection(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("wie,wat,opmerking\nA,Webinar gevolgd,x\nB,Boek gelezen,y\n", encoding="utf-8")
    acts = read_activities([path], TableOptions(text_column="wat", teacher_column="wie")).activities
    assert [(a.text, a.teacher_id) for a in acts] == [("Webinar gevolgd", "A"), ("Boek gelezen", "B")]


def test_wide_with_prefix_and_column_list(tmp_path):
    frame = pd.DataFrame({"id": ["V1"], "act 2": ["Boek"], "act 1": ["Webinar"], "act 10": ["Congres"]})
    assert detect_layout(frame, TableOptions(activity_columns=("act*",))).text_columns == ("act 1", "act 2", "act 10")
    assert detect_layout(frame, TableOptions(activity_columns=("act 2", "act 1"))).text_columns == ("act 2", "act 1")


def test_longest_text_column_is_detected(tmp_path):
    frame = pd.DataFrame({"code": ["a1", "b2"], "vrij veld": ["Een webinar over feedback gevolgd", "Een boek gelezen"]})
    spec = detect_layout(frame)
    assert (spec.layout, spec.text_columns) == ("long", ("vrij veld",))


def test_xlsx_long(tmp_path):
    wb = Workbook()
    wb.active.append(["report_id", "activity", "teacher_id"])
    wb.active.append(["R1", "Webinar gevolgd", "007"])
    wb.save(tmp_path / "lang.xlsx")
    acts = read_activities([tmp_path / "lang.xlsx"]).activities
    assert [(a.report_id, a.text, a.teacher_id) for a in acts] == [("R1", "Webinar gevolgd", "007")]


def test_folder_reads_supported_files_in_order(tmp_path):
    (tmp_path / "b.txt").write_text("Boek gelezen", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("- Webinar\n- Congres", encoding="utf-8")
    (tmp_path / "notities.pdf").write_bytes(b"%PDF")
    (tmp_path / "~$lock.docx").write_bytes(b"lock")
    (tmp_path / ".verborgen.txt").write_text("geheim", encoding="utf-8")
    result = read_activities([tmp_path])
    assert [a.text for a in result.activities] == ["Boek gelezen", "Webinar", "Congres"]
    assert [p.name for p in result.files] == ["b.txt", "a.txt"]


def test_inputs_are_not_modified(tmp_path):
    paths = [EXAMPLES / n for n in ("leerverslag_economie.docx", "leerverslagen_team_zorg.xlsx")]
    before = [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]
    read_activities(paths)
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths] == before


# -- bad inputs -----------------------------------------------------------------------------------------
def test_missing_file(tmp_path):
    with pytest.raises(InputDataError, match="file or folder not found") as info:
        read_activities([tmp_path / "weg.docx"])
    assert str(tmp_path / "weg.docx") in str(info.value)


def test_unsupported_file(tmp_path):
    (tmp_path / "verslag.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(InputDataError, match=r"unsupported file type '\.pdf'"):
        read_activities([tmp_path / "verslag.pdf"])


def test_empty_folder(tmp_path):
    with pytest.raises(EmptyInputError, match="folder holds no supported file"):
        read_activities([tmp_path])


def test_corrupt_docx(tmp_path):
    (tmp_path / "kapot.docx").write_bytes(b"this is not a zip file")
    with pytest.raises(InputDataError, match=r"not a readable \.docx file") as info:
        read_activities([tmp_path / "kapot.docx"])
    assert info.value.path == str(tmp_path / "kapot.docx")


def test_document_without_text(tmp_path):
    (tmp_path / "leeg.txt").write_text("\n\n", encoding="utf-8")
    with pytest.raises(EmptyInputError, match="no text found"):
        read_activities([tmp_path / "leeg.txt"])


def test_named_column_missing(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("tekst\nWebinar\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="column 'beschrijving': column not found"):
        read_activities([path], TableOptions(text_column="beschrijving"))


def test_wide_layout_without_activity_columns(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("tekst\nWebinar\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="no numbered activity columns"):
        read_activities([path], TableOptions(layout="wide"))


def test_no_text_column_found(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="cannot tell which column holds the activity texts"):
        read_activities([path])
