"""REFI-QDA exchange: codebook and project export, schema validation, the .qdpx round trip, hostile input."""

import hashlib
import re
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
import xmlschema

import activity_classifier.qda as qda
from activity_classifier.annotate import merge_reviewed, read_reviewed
from activity_classifier.cli import main
from activity_classifier.exceptions import InputDataError
from activity_classifier.qda import _read
from activity_classifier.qda._project import MODEL_USER, REVIEW_USER
from activity_classifier.taxonomy import get_taxonomy

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "qda"
REVIEW = DATA / "review_small.csv"
EXAMPLES = [
    ROOT / "examples" / "leerverslag_economie.docx",
    ROOT / "examples" / "leerverslagen_team_zorg.xlsx",
    ROOT / "examples" / "leerverslagen_team_techniek.csv",
]
NS = "urn:QDA-XML:project:1.0"
Q = f"{{{NS}}}"
CB = "{urn:QDA-XML:codebook:1.0}"
SCHEMA_SHA256 = {
    "Codebook.xsd": "62a941a02df90991fd9e18bd97c571b88e3c493a722ef1e45a7247f787849c75",
    "Project.xsd": "a2cc1ffb4ab1c07c51d6c78e69f2c9968458a9f0ad3b317ddde27f1e86f15a15",
}
WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def xsd(name):
    with resources.as_file(resources.files("activity_classifier.qda").joinpath("schemas", name)) as path:
        return xmlschema.XMLSchema10(str(path))


def project_root(path):
    with zipfile.ZipFile(path) as zf:
        return ET.fromstring(zf.read("project.qde"))


def rewrite(src, dest, edit):
    """Copy a .qdpx, letting ``edit(root)`` change project.qde, as a QDA program would on re-export."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        root = ET.fromstring(zin.read("project.qde"))
        edit(root)
        zout.writestr("project.qde", ET.tostring(root, encoding="utf-8", xml_declaration=True))
        for name in zin.namelist():
            if name != "project.qde":
                zout.writestr(name, zin.read(name))


def source_text(path, source):
    with zipfile.ZipFile(path) as zf:
        return zf.read("Sources/" + source.get("plainTextPath").removeprefix("internal://")).decode("utf-8")


def recode(source, slug, user="9b2f4c1e-0000-4000-8000-000000000001"):
    """Replace every coding of a source by one new coding, made by another user, as in a QDA program."""
    for selection in source.iter(f"{Q}PlainTextSelection"):
        for coding in selection.findall(f"{Q}Coding"):
            selection.remove(coding)
        coding = ET.SubElement(selection, f"{Q}Coding", {"guid": str(uuid.uuid4()), "creatingUser": user})
        ET.SubElement(coding, f"{Q}CodeRef", {"targetGUID": qda.code_guid(slug)})


def add_code(source, slug):
    selection = next(source.iter(f"{Q}PlainTextSelection"))
    coding = ET.Element(f"{Q}Coding", {"guid": str(uuid.uuid4())})
    ET.SubElement(coding, f"{Q}CodeRef", {"targetGUID": qda.code_guid(slug)})
    selection.insert(1, coding)


def uncode(source):
    for selection in source.findall(f"{Q}PlainTextSelection"):
        source.remove(selection)


def assert_one_line_error(err, *fragments):
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("activity-classifier: error:"), err
    for fragment in fragments:
        assert fragment in lines[0], err


# -- package ------------------------------------------------------------------------------------------
def test_public_api():
    assert sorted(qda.__all__) == sorted(set(qda.__all__))
    for name in qda.__all__:
        assert hasattr(qda, name), name


@pytest.mark.parametrize("name", sorted(SCHEMA_SHA256))
def test_packaged_schemas_are_the_published_ones(name):
    data = resources.files("activity_classifier.qda").joinpath("schemas", name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == SCHEMA_SHA256[name]
    assert b"This specification is licensed under the MIT license." in data  # the notice travels with it
    readme = resources.files("activity_classifier.qda").joinpath("schemas", "README.md").read_text("utf-8")
    assert SCHEMA_SHA256[name] in readme


# -- codebook -----------------------------------------------------------------------------------------
def test_codebook_validates_and_holds_the_eleven_types_in_two_groups():
    data = qda.codebook_xml()
    root = ET.fromstring(data)
    xsd("Codebook.xsd").validate(root)  # raises on any error
    assert root.tag == f"{CB}CodeBook"
    groups = root.findall(f"{CB}Codes/{CB}Code")
    assert [g.get("isCodable") for g in groups] == ["false", "false"]
    assert [g.get("name") for g in groups] == ["Informeel leren (Informal learning)", "Formeel leren (Formal learning)"]
    tax = get_taxonomy()
    codes = [c for g in groups for c in g.findall(f"{CB}Code")]
    assert [c.get("guid") for c in codes] == [qda.code_guid(s) for s in tax.slugs]
    for code, t in zip(codes, tax, strict=True):
        assert code.get("isCodable") == "true"
        assert code.get("name") == f"{t.id} {t.name_nl}"
        description = code.find(f"{CB}Description").text
        assert t.name_en in description and t.slug in description and t.definition in description
        assert "Border rules:" in description
    colours = [c.get("color") for c in [*groups, *codes]]
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours)
    assert len(set(colours)) == len(colours)
    sets = root.findall(f"{CB}Sets/{CB}Set")
    assert [len(s.findall(f"{CB}MemberCode")) for s in sets] == [6, 5]


def test_guids_are_stable_across_runs():
    assert uuid.uuid5(uuid.NAMESPACE_URL, "urn:activity-classifier:refi-qda") == qda.GUID_NAMESPACE
    # A literal, so that a change of namespace or naming scheme cannot pass unnoticed.
    assert qda.code_guid("conference") == str(uuid.uuid5(qda.GUID_NAMESPACE, "code:conference"))
    assert qda.code_guid("teaching_coaching") == "ab3eabe1-60b7-5419-a314-4c079c0d7c1c"
    other_process = subprocess.run(
        [
            sys.executable,
            "-c",
            "from activity_classifier.qda import codebook_xml; import sys; sys.stdout.buffer.write(codebook_xml())",
        ],
        capture_output=True,
        check=True,
    ).stdout
    assert other_process == qda.codebook_xml()


def test_every_type_has_border_rules():
    descriptions = [c.find(f"{CB}Description").text for c in ET.fromstring(qda.codebook_xml()).iter(f"{CB}Code")]
    assert sum("Border rules:\n- " in d for d in descriptions) == 11


def test_codebook_command(tmp_path, capsys):
    out = tmp_path / "codebook.qdc"
    assert main(["export-qda", "--codebook", str(out)]) == 0
    assert out.read_bytes() == qda.codebook_xml()
    assert "codebook of the eleven types" in capsys.readouterr().err


# -- project ------------------------------------------------------------------------------------------
def test_project_validates_and_codes_every_activity(tmp_path):
    out = tmp_path / "project.qdpx"
    summary = qda.write_project(REVIEW, out, created=WHEN)
    assert summary.to_dict() == {"activities": 5, "reports": 2, "reviewed": 1, "predicted": 3, "uncoded": 1}
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
    assert names[0] == "project.qde" and sum(n.startswith("Sources/") for n in names) == 5
    root = project_root(out)
    xsd("Project.xsd").validate(root)
    assert root.get("creationDateTime") == "2026-12-01T09:30:00Z"
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{Q}User")}
    assert set(users) == {MODEL_USER, REVIEW_USER}
    sources = root.findall(f"{Q}Sources/{Q}TextSource")
    # In report order, then activity order; the review table's sort order does not matter.
    assert [s.get("name") for s in sources] == [
        "A · activiteit 1",
        "A · activiteit 2",
        "A · activiteit 3",
        "B · activiteit 1",
        "B · activiteit 2",
    ]
    frame = pd.read_csv(REVIEW, dtype=str, keep_default_na=False)
    by_name = {s.get("name"): s for s in sources}
    for row in frame.itertuples():
        source = by_name[f"{row.report_id} · activiteit {row.activity_no}"]
        text = source_text(out, source)
        codings = list(source.iter(f"{Q}Coding"))
        if not row.text:
            assert text == "[lege activiteit]" and codings == []
            continue
        assert text == row.text
        selection = source.find(f"{Q}PlainTextSelection")
        assert (selection.get("startPosition"), selection.get("endPosition")) == ("0", str(len(text)))
        (coding,) = codings
        label = row.label_reviewed or row.label
        assert coding.find(f"{Q}CodeRef").get("targetGUID") == qda.code_guid(label)
        assert coding.get("creatingUser") == (REVIEW_USER if row.label_reviewed else MODEL_USER)
        note_guid = coding.find(f"{Q}NoteRef").get("targetGUID")
        (note,) = [n for n in root.iter(f"{Q}Note") if n.get("guid") == note_guid]
        note_text = note.find(f"{Q}PlainTextContent").text
        assert f"Label: {label}" in note_text and f"confidence {row.confidence}" in note_text
        if row.review_reason:
            assert row.review_reason in note_text
        assert row.location in source.find(f"{Q}Description").text
    reviewed_note = next(n for n in root.iter(f"{Q}Note") if "From the review" in n.find(f"{Q}PlainTextContent").text)
    assert "The model predicted pd_programme" in reviewed_note.find(f"{Q}PlainTextContent").text
    cases = {c.get("name"): len(c.findall(f"{Q}SourceRef")) for c in root.iter(f"{Q}Case")}
    assert cases == {"A": 3, "B": 2}


def test_project_guids_do_not_depend_on_the_time_of_export(tmp_path):
    first, second = tmp_path / "1.qdpx", tmp_path / "2.qdpx"
    qda.write_project(REVIEW, first, created=WHEN)
    qda.write_project(REVIEW, second, created=datetime(2027, 1, 1, tzinfo=UTC))

    def guids(path):
        return [e.get("guid") for e in project_root(path).iter() if e.get("guid")]

    assert guids(first) == guids(second)
    assert len(set(guids(first))) == len(guids(first))


def test_project_text_that_xml_cannot_hold_is_cleaned(tmp_path):
    frame = pd.read_csv(REVIEW, dtype=str, keep_default_na=False)
    frame.loc[0, "review_comment"] = "eerste regel\x0btweede regel\x0c"
    frame.loc[0, "report_id"] = "A\x01"
    qda.write_project(frame, tmp_path / "p.qdpx", created=WHEN)
    xsd("Project.xsd").validate(project_root(tmp_path / "p.qdpx"))


def test_predictions_table_without_review_columns(tmp_path):
    table = tmp_path / "predictions.csv"
    pd.DataFrame({"text": ["Webinar over feedback gevolgd", "Boek gelezen"], "label": ["pd_programme", "I4"]}).to_csv(
        table, index=False
    )
    summary = qda.write_project(table, tmp_path / "p.qdpx", created=WHEN)
    assert (summary.activities, summary.reports, summary.predicted) == (2, 1, 2)
    root = project_root(tmp_path / "p.qdpx")
    assert [s.get("name") for s in root.iter(f"{Q}TextSource")] == [
        "(zonder verslag) · rij 2",
        "(zonder verslag) · rij 3",
    ]
    refs = [r.get("targetGUID") for r in root.iter(f"{Q}CodeRef")]
    assert refs == [qda.code_guid("pd_programme"), qda.code_guid("information_sources")]


# -- round trip ---------------------------------------------------------------------------------------
@pytest.fixture
def cached_model(default_model, monkeypatch):
    import activity_classifier.persistence as persistence

    real = persistence.load_model
    monkeypatch.setattr(persistence, "load_model", lambda d=None, **kw: default_model if d is None else real(d, **kw))


def test_round_trip_on_the_example_reports(tmp_path, capsys, cached_model):
    review = tmp_path / "review.csv"
    assert main(["prelabel", *map(str, EXAMPLES), "--output", str(review)]) == 0
    frame = pd.read_csv(review, dtype=str, keep_default_na=False)
    assert len(frame) == 31
    # The annotator reviewed one row in the table before the project went to the QDA program.
    coded = frame[frame["text"].str.strip() != ""]
    reviewed_row = coded.index[0]
    reviewed_label = next(s for s in get_taxonomy().slugs if s != frame.at[reviewed_row, "label"])
    frame.at[reviewed_row, "label_reviewed"] = reviewed_label
    frame.to_csv(review, index=False)

    exported = tmp_path / "project.qdpx"
    assert main(["export-qda", str(review), "--project", str(exported)]) == 0
    assert "31 activities of 9 reports" in capsys.readouterr().err

    # In the QDA program: two recoded, one given a second code, one code removed, the rest untouched.
    texts = {}

    def edit(root):
        sources = [s for s in root.iter(f"{Q}TextSource") if s.find(f"{Q}PlainTextSelection") is not None]
        untouched = [s for s in sources if s.findall(f".//{Q}Coding")[0].get("creatingUser") == MODEL_USER]
        first, second, third, fourth = untouched[:4]
        ET.SubElement(root.find(f"{Q}Users"), f"{Q}User", {"guid": "9b2f4c1e-0000-4000-8000-000000000001"})
        for source, key in ((first, "added"), (second, "changed"), (third, "two codes"), (fourth, "no code")):
            texts[key] = source_text(exported, source)
        slugs = get_taxonomy().slugs
        texts["added_label"] = next(s for s in slugs if s != _label_of(first))
        texts["changed_label"] = next(s for s in reversed(slugs) if s not in (_label_of(second), "degree_course"))
        recode(first, texts["added_label"])
        recode(second, texts["changed_label"])
        add_code(third, "conference" if _label_of(third) != "conference" else "pd_programme")
        uncode(fourth)

    changed = tmp_path / "changed.qdpx"
    rewrite(exported, changed, edit)

    # The labelled file already has the second text, with a label the review overrules.
    labelled = tmp_path / "labelled.csv"
    pd.DataFrame(
        [{"id": "X1", "teacher_id": "T9", "text": texts["changed"], "label": "degree_course", "source": "corpus"}]
    ).to_csv(labelled, index=False)
    report = tmp_path / "import_report.csv"
    assert main(["import-reviewed", str(changed), "--into", str(labelled), "--report", str(report)]) == 0
    err = capsys.readouterr().err
    assert "added 2, changed 1, skipped 28 (not reviewed: 26, more than one type coded: 1, no type coded: 1)" in err

    merged = pd.read_csv(labelled, dtype=str, keep_default_na=False)
    label_of = dict(zip(merged["text"].map(lambda t: " ".join(t.split())), merged["label"], strict=True))
    assert label_of[" ".join(texts["added"].split())] == texts["added_label"]
    assert label_of[" ".join(texts["changed"].split())] == texts["changed_label"]
    assert label_of[" ".join(frame.at[reviewed_row, "text"].split())] == reviewed_label
    assert set(merged["source"]) == {"reviewed"}
    outcomes = pd.read_csv(report, dtype=str, keep_default_na=False)
    assert len(outcomes) == 31 and outcomes["where"].str.startswith("source '").all()

    # Importing the same project again changes nothing.
    assert main(["import-reviewed", str(changed), "--into", str(labelled)]) == 0
    assert "added 0, changed 0, skipped 31" in capsys.readouterr().err


def _label_of(source):
    guid = source.findall(f".//{Q}CodeRef")[0].get("targetGUID")
    return next(s for s in get_taxonomy().slugs if qda.code_guid(s) == guid)


def test_untouched_project_imports_nothing(tmp_path):
    exported = tmp_path / "p.qdpx"
    qda.write_project(REVIEW, exported, created=WHEN)
    items = read_reviewed(exported)  # the hook in review.read_reviewed
    assert [i.label for i in items] == ["", "", "", "conference", ""]  # only the label reviewed in the table
    assert items[3].meta == {"report_id": "B", "activity_no": "1", "teacher_id": "T2", "source_file": "team.csv"}
    report = merge_reviewed(items, None)
    assert report.summary() == "added 1, changed 0, skipped 4 (not reviewed: 4)"


def test_program_that_drops_variables_and_renames_codes(tmp_path):
    """A program may keep neither our variables nor our code GUIDs: the coding's user and the code's name decide."""
    exported = tmp_path / "p.qdpx"
    qda.write_project(REVIEW, exported, created=WHEN)
    new_guid = {s: str(uuid.uuid4()) for s in get_taxonomy().slugs}

    def edit(root):
        for source in root.iter(f"{Q}TextSource"):
            for vv in source.findall(f"{Q}VariableValue"):
                source.remove(vv)
        by_old = {qda.code_guid(s): g for s, g in new_guid.items()}
        for el in root.iter():
            for attr in ("guid", "targetGUID"):
                if el.get(attr) in by_old:
                    el.set(attr, by_old[el.get(attr)])
        sources = list(root.iter(f"{Q}TextSource"))
        recode(sources[1], "tasks_roles")  # "A · activiteit 2", by a person
        for coding in sources[1].iter(f"{Q}CodeRef"):
            coding.set("targetGUID", new_guid["tasks_roles"])

    changed = tmp_path / "changed.qdpx"
    rewrite(exported, changed, edit)
    items = qda.read_qdpx(changed)
    assert [i.label for i in items] == ["", "tasks_roles", "", "conference", ""]


# -- hostile and bad input ----------------------------------------------------------------------------
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&xxe;</Description></Project>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Project SYSTEM "http://example.invalid/project.dtd">
<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>"""


def make_qdpx(path, members):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"project.qde": BILLION_LAUGHS}, "refused"),
        ({"project.qde": XXE}, "refused"),
        ({"project.qde": EXTERNAL_DTD}, "refused"),
        ({"project.qde": b"<Project"}, "not well-formed XML"),
        ({"project.qde": b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'/>"}, "root of project.qde is not <Project>"),
        ({"Sources/x.txt": b"tekst"}, "no single project.qde"),
        ({"project.qde": b"<Project xmlns='urn:QDA-XML:project:1.0' name='x'/>"}, "no text sources"),
    ],
)
def test_hostile_or_broken_project_is_refused_in_one_line(tmp_path, capsys, members, message):
    bad = make_qdpx(tmp_path / "bad.qdpx", members)
    with pytest.raises(InputDataError, match=message):
        qda.read_qdpx(bad)
    into = tmp_path / "labelled.csv"
    assert main(["import-reviewed", str(bad), "--into", str(into)]) == 2
    assert_one_line_error(capsys.readouterr().err, "bad.qdpx", message)
    assert not into.exists()


def test_not_a_zip(tmp_path, capsys):
    bad = tmp_path / "bad.qdpx"
    bad.write_text("<Project/>")
    assert main(["import-reviewed", str(bad), "--into", str(tmp_path / "l.csv")]) == 2
    assert_one_line_error(capsys.readouterr().err, "not a readable .qdpx (zip) file")


def test_zip_bomb_is_refused(tmp_path, monkeypatch):
    exported = qda.write_project(REVIEW, tmp_path / "p.qdpx", created=WHEN)
    assert exported.activities == 5
    bomb = make_qdpx(tmp_path / "bomb.qdpx", {"project.qde": b"<Project/>", "Sources/big.txt": b"\0" * 2**20})
    monkeypatch.setattr(_read, "MAX_MEMBER_BYTES", 2**16)
    with pytest.raises(InputDataError, match="zip bomb"):
        qda.read_qdpx(bomb)
    monkeypatch.setattr(_read, "MAX_MEMBER_BYTES", 2**30)
    monkeypatch.setattr(_read, "MAX_TOTAL_BYTES", 2**16)
    with pytest.raises(InputDataError, match="zip bomb"):
        qda.read_qdpx(bomb)


def test_zip_headers_that_lie_about_sizes_do_not_let_more_through(tmp_path, monkeypatch):
    path = make_qdpx(tmp_path / "p.qdpx", {"project.qde": b"<Project xmlns='urn:QDA-XML:project:1.0'/>"})
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("project.qde")
        info.file_size = 3  # a header that understates: unpacking stops there and the CRC check fails
        with pytest.raises(InputDataError, match=r"cannot unpack project\.qde"):
            _read._read_member(zf, info, path)
        monkeypatch.setattr(_read, "MAX_MEMBER_BYTES", 8)
        info.file_size = 10_000  # past the limit, whatever the header says: cut off at the limit
        with pytest.raises(InputDataError, match="unpacks to more than the limit"):
            _read._read_member(zf, info, path)


def test_a_source_whose_text_is_missing_is_skipped(tmp_path):
    exported = tmp_path / "p.qdpx"
    qda.write_project(REVIEW, exported, created=WHEN)

    def edit(root):
        next(root.iter(f"{Q}TextSource")).set("plainTextPath", "internal://../../etc/passwd")

    changed = tmp_path / "changed.qdpx"
    rewrite(exported, changed, edit)
    items = qda.read_qdpx(changed)
    assert "missing from the .qdpx" in items[0].skip_reason


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export-qda"], "needs --codebook"),
        (["export-qda", "--project", "{out}/p.qdpx"], "needs the predictions or review table"),
        (["export-qda", "{missing}", "--project", "{out}/p.qdpx"], "file not found"),
        (["export-qda", "{review}", "--project", "{out}/p.zip"], "written as a .qdpx file"),
        (["export-qda", "--codebook", "{out}/c.xml"], "written as a .qdc file"),
        (["export-qda", "{review}", "--project", "{out}/p.qdpx", "--codebook", "{out}/c.xml"], ".qdc"),
        (["export-qda", "{badlabel}", "--project", "{out}/p.qdpx"], "row 3, column 'label_reviewed': unknown label"),
        (["export-qda", "{nolabel}", "--project", "{out}/p.qdpx"], "no label column"),
        (["export-qda", "{review}", "--project", "{out}/p.qdpx", "--text-column", "tekst"], "column 'tekst'"),
    ],
)
def test_bad_export_input_exits_2_and_writes_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "out"
    out.mkdir()
    frame = pd.read_csv(REVIEW, dtype=str, keep_default_na=False)
    frame.loc[1, "label_reviewed"] = "congres"
    frame.to_csv(tmp_path / "badlabel.csv", index=False)
    frame.drop(columns=["label", "label_reviewed"]).to_csv(tmp_path / "nolabel.csv", index=False)
    paths = {
        "out": out,
        "missing": tmp_path / "missing.csv",
        "review": REVIEW,
        "badlabel": tmp_path / "badlabel.csv",
        "nolabel": tmp_path / "nolabel.csv",
    }
    assert main([a.format(**paths) for a in args]) == 2
    assert_one_line_error(capsys.readouterr().err, message)
    assert list(out.iterdir()) == []


def test_outputs_are_written_atomically(tmp_path, monkeypatch, capsys):
    out = tmp_path / "p.qdpx"
    out.write_bytes(b"the previous export")
    calls = []
    real = zipfile.ZipFile.writestr

    def failing(self, name, data, *args, **kwargs):
        calls.append(name)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing)
    assert main(["export-qda", str(REVIEW), "--project", str(out)]) == 2
    assert_one_line_error(capsys.readouterr().err, "cannot write the output (No space left on device)")
    assert out.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.qdpx"]


@pytest.mark.parametrize("name", ["_codebook", "_schema", "_project", "_read"])
def test_docstring_examples(name):
    import doctest
    import importlib

    module = importlib.import_module(f"activity_classifier.qda.{name}")
    assert doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0


def test_flat_codebook_for_programs_without_code_hierarchy(tmp_path):
    root = ET.fromstring(qda.codebook_xml(flat=True))
    xsd("Codebook.xsd").validate(root)
    codes = root.findall(f"{CB}Codes/{CB}Code")
    assert [c.get("guid") for c in codes] == [qda.code_guid(s) for s in get_taxonomy().slugs]
    assert [len(s.findall(f"{CB}MemberCode")) for s in root.iter(f"{CB}Set")] == [6, 5]
    out = tmp_path / "p.qdpx"
    assert main(["export-qda", str(REVIEW), "--project", str(out), "--flat"]) == 0
    project = project_root(out)
    xsd("Project.xsd").validate(project)
    assert len(project.findall(f"{Q}CodeBook/{Q}Codes/{Q}Code")) == 11
    assert [i.label for i in qda.read_qdpx(out)] == ["", "", "", "conference", ""]


def test_a_project_exported_again_by_qualcoder(tmp_path, caplog):
    """``qualcoder_export.qdpx``: our export of the example reports, imported by QualCoder's own import code,
    one activity recoded (to F4) and one uncoded in its database, and exported by QualCoder's own exporter.

    QualCoder gives every code, source, coding and user a new GUID and keeps our variables (see
    tests/data/qda/README.md for how the file was made).
    """
    path = DATA / "qualcoder_export.qdpx"
    root = project_root(path)
    xsd("Project.xsd").validate(root)
    assert qda.code_guid("conference") not in {c.get("guid") for c in root.iter(f"{Q}Code")}
    items = qda.read_qdpx(path)
    assert not [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(items) == 31
    reviewed = [i for i in items if i.label]
    assert [(i.where, i.label) for i in reviewed] == [("source 'leerverslag_economie · activiteit 1'", "conference")]
    assert reviewed[0].text.startswith("Met mijn klas 2B een ondernemingsplan")
    report = merge_reviewed(items, None)
    assert report.summary() == "added 1, changed 0, skipped 30 (not reviewed: 29, no type coded: 1)"


def test_dataframe_with_missing_values_and_odd_numbers(tmp_path):
    frame = pd.DataFrame(
        {
            "text": ["Webinar over feedback gevolgd", None, "Boek gelezen"],
            "label": ["pd_programme", None, "information_sources"],
            "confidence": [0.91, float("nan"), float("inf")],
            "needs_review": [False, True, "misschien"],
        }
    )
    summary = qda.write_project(frame, tmp_path / "p.qdpx", created=WHEN)
    assert (summary.predicted, summary.uncoded) == (2, 1)
    root = project_root(tmp_path / "p.qdpx")
    xsd("Project.xsd").validate(root)
    assert [v.text for v in root.iter(f"{Q}FloatValue")] == ["0.9100"]
    assert [v.text for v in root.iter(f"{Q}BooleanValue")] == ["false", "true"]
