"""Streaming ``predict``: chunked reading and writing in bounded memory, byte for byte the whole-table output,
and what interrupting, racing or oversizing it leaves behind (issue 14, "To try")."""

import io
import signal
import subprocess
import sys
import time
import zipfile
from functools import _lru_cache_wrapper

import openpyxl
import pandas as pd
import pytest

from activity_classifier import _compounds, _stream, classify, features, tables, text
from activity_classifier.cli import main
from activity_classifier.cli._support import target_for
from activity_classifier.exceptions import EmptyInputError, InputDataError
from activity_classifier.tables import CSV_DIALECTS, iter_table, read_table, write_table

CLI = [sys.executable, "-m", "activity_classifier.cli"]

TEXTS = [
    "Webinar over feedback gevolgd met het hele team",
    '=HYPERLINK("http://x","klik")',
    "",
    "- Webinar over formatief evalueren",
    "+31 6 12345678 gebeld over de stage",
    "Twee dagen op het jaarcongres van de MBO Raad",
    "Intervisie met collega's over lastige klassen",
    "Boek gelezen: 'Leren zichtbaar maken'",
    "Cursus didactiek afgerond; daarna\r\nmet mijn coach besproken",
    "Meegelopen met een collega van de bouwopleiding",
    "@team: studiedag over burgerschap",
    "Lesbezoek van mijn leidinggevende, nagesproken",
    "asdf qwer zxcv",
]


def one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def table(tmp_path):
    """23 rows with formula-like texts, an empty one, a CR LF inside a text and an input column named label."""
    rows = [(f"{i:03d}", TEXTS[i % len(TEXTS)] + ("" if i < len(TEXTS) else f" ({i})"), "x") for i in range(23)]
    path = tmp_path / "in.csv"
    pd.DataFrame(rows, columns=["id", "text", "label"]).to_csv(path, index=False)
    return path


def whole_table_output(model, src, dest, target, dialect=None):
    """The non-streamed path: read the whole table, classify it, write it."""
    result = classify(read_table(src), model=model, target_accuracy=target_for(target, model))
    write_table(result, dest, dialect=dialect)
    return result


def xlsx_cells(path):
    ws = openpyxl.load_workbook(path).active
    return [[(c.value, c.data_type, c.quotePrefix) for c in row] for row in ws.iter_rows()]


@pytest.mark.parametrize(("suffix", "dialect"), [(".csv", None), (".csv", "excel-nl"), (".tsv", None), (".xlsx", None)])
def test_streamed_predict_is_the_whole_table_output(default_model, table, tmp_path, capsys, suffix, dialect):
    target = 0.999  # flags rows below the target: the selection must be made over the whole file
    reference = whole_table_output(
        default_model, table, tmp_path / f"ref{suffix}", target, CSV_DIALECTS[dialect] if dialect else None
    )
    assert reference["review_reason"].str.contains("below_target_accuracy").sum() >= 3
    args = ["predict", table, "--output", tmp_path / f"out{suffix}", "--chunk-rows", "4", "--target-accuracy", target]
    assert main([str(a) for a in args + (["--csv-dialect", dialect] if dialect else [])]) == 0
    err = capsys.readouterr().err
    flagged = int(reference["needs_review"].sum())
    assert f"23 rows classified, {flagged} flagged for review" in err
    if suffix == ".xlsx":
        assert xlsx_cells(tmp_path / "out.xlsx") == xlsx_cells(tmp_path / "ref.xlsx")
    else:
        assert (tmp_path / f"out{suffix}").read_bytes() == (tmp_path / f"ref{suffix}").read_bytes()


def test_the_chunk_size_changes_nothing(default_model, table, tmp_path, capsys, monkeypatch):
    outputs = []
    for rows, characters in (("1", None), ("7", None), ("100000", None), ("100000", 100)):
        if characters is not None:  # long texts are analysed a few at a time within a chunk
            monkeypatch.setattr(_stream, "CLASSIFY_CHARACTERS", characters)
        out = tmp_path / f"{rows}_{characters}.csv"
        assert main(["predict", str(table), "--output", str(out), "--chunk-rows", rows]) == 0
        outputs.append(out.read_bytes())
        summary = capsys.readouterr().err.strip().splitlines()[-1]
        outputs.append(summary.encode())
    assert outputs[0::2] == [outputs[0]] * 4 and outputs[1::2] == [outputs[1]] * 4


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_iter_table_chunks_are_read_table(tmp_path, suffix):
    frame = pd.DataFrame({"id": [f"{i:03d}" for i in range(11)], "text": [f"'=tekst {i}" for i in range(11)]})
    path = tmp_path / f"t{suffix}"
    write_table(frame, path)
    chunks = list(iter_table(path, chunk_rows=3))
    assert [len(c) for c in chunks] == [3, 3, 3, 2]
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), read_table(path))
    pd.testing.assert_frame_equal(read_table(path), frame)


def test_iter_table_names_a_bad_row_in_a_later_chunk(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("text,id\n" + "".join(f"tekst {i},{i}\n" for i in range(8)) + "tekst,9,extra\n", "utf-8")
    chunks = iter_table(path, chunk_rows=3)
    assert len(next(chunks)) == 3
    with pytest.raises(InputDataError, match=r"t\.csv, row 10: 3 fields but the header has 2"):
        list(chunks)
    with pytest.raises(EmptyInputError):
        list(iter_table(_header_only(tmp_path), chunk_rows=2))


def _header_only(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("text\n", "utf-8")
    return path


@pytest.mark.parametrize(
    "data",
    [
        "tekst\ncafé crème\nthé\n".encode(),
        b"\xef\xbb\xbftekst\ncaf\xc3\xa9\n",
        "tekst\ncafé\nnaïef\n".encode("cp1252"),
        "tekst\ncafé\n".encode() + b"x" * 40 + b"\xff\n" + "thé\n".encode(),
        b"\xef\xbb\xbftekst\n" + "caf\u00e9\n".encode() + b"\xe9t\xe9\n",
        "tekst\neindigt op é".encode()[:-1],
        b"tekst\n\x81\x8d\n",
    ],
)
def test_the_encoding_is_decided_over_the_whole_file_in_blocks(tmp_path, monkeypatch, data):
    # Blocks of 5 bytes cut UTF-8 sequences and a byte-order mark apart: the answer stays that of one block.
    path = tmp_path / "e.csv"
    path.write_bytes(data)

    def outcome():
        try:
            return tables._encoding(tables._file_blocks(path), path, save_as="UTF-8 CSV")
        except InputDataError as exc:
            return str(exc)

    whole = outcome()
    monkeypatch.setattr(tables, "_BLOCK", 5)
    assert outcome() == whole
    if data.startswith(b"\xef\xbb\xbf") and b"\xe9t" in data:
        assert "row 3: invalid UTF-8 byte 0xe9 at byte 16 of the file" in whole  # counted from the file's start


def test_a_csv_over_the_whole_table_limit_is_streamed(table, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(tables, "MAX_INPUT_BYTES", 200)
    with pytest.raises(InputDataError, match="larger than 0 MB"):
        read_table(table)
    assert main(["predict", str(table), "--output", str(tmp_path / "o.csv"), "--chunk-rows", "5"]) == 0
    assert len(pd.read_csv(tmp_path / "o.csv")) == 23
    assert "23 rows classified" in capsys.readouterr().err


def _xlsx_with_dimension(path, ref):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["text"])
    ws.append(["Webinar gevolgd"])
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:A2"/>', f'<dimension ref="{ref}"/>'.encode())
                assert ref.encode() in data
            out.writestr(item, data)
    return path


def test_a_huge_declared_xlsx_sheet_is_refused_before_reading(tmp_path, capsys):
    path = _xlsx_with_dimension(tmp_path / "huge.xlsx", "A1:XFD1048576")
    with pytest.raises(InputDataError, match=r"declares 1,048,576 rows by 16,384 columns, more than the limit"):
        read_table(path)
    code = main(["predict", str(path), "--output", str(tmp_path / "o.csv")])
    assert code == 2 and "huge.xlsx" in one_line(capsys.readouterr().err)
    assert not (tmp_path / "o.csv").exists()
    # a small declared size is no limit either way: the rows are read as they are
    assert len(read_table(_xlsx_with_dimension(tmp_path / "ok.xlsx", "A1:A1"))) == 1


def test_an_xlsx_sheet_holding_too_many_cells_is_refused_while_streaming(tmp_path, monkeypatch):
    path = tmp_path / "many.xlsx"
    write_table(pd.DataFrame({f"c{j}": [str(i) for i in range(9)] for j in range(5)}), path)
    monkeypatch.setattr(tables, "MAX_XLSX_CELLS", 30)
    with pytest.raises(InputDataError, match="holds more than the limit of 30 cells"):
        list(iter_table(path, chunk_rows=2))


def test_more_rows_than_an_xlsx_holds_is_one_line_and_writes_nothing(table, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(tables, "MAX_XLSX_ROWS", 10)
    (tmp_path / "o.xlsx").write_text("previous", "utf-8")
    code = main(["predict", str(table), "--output", str(tmp_path / "o.xlsx"), "--chunk-rows", "4"])
    assert code == 2 and "(Excel's limit is 9 rows under the header); write a .csv" in one_line(capsys.readouterr().err)
    assert (tmp_path / "o.xlsx").read_text("utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "o.xlsx"]
    with pytest.raises(InputDataError, match=r"do not fit in an \.xlsx worksheet"):
        write_table(read_table(table), tmp_path / "w.xlsx")


def test_word_caches_are_capped_at_one_constant():
    capped = [text._lemmatize_word, text.split_compound, features._word_char_ngrams, features._range_char_ngrams]
    capped.append(_compounds.split_compound_wordfreq)
    assert all(isinstance(f, _lru_cache_wrapper) for f in capped)
    assert {f.cache_info().maxsize for f in capped} == {text.CACHE_ENTRIES} and text.CACHE_ENTRIES <= 50_000


# --- interrupting, racing ------------------------------------------------------------------------------


def _wait_for(predicate, proc, timeout=240):
    start = time.monotonic()
    while not predicate():
        assert proc.poll() is None, f"finished before the moment to interrupt it: {proc.communicate()}"
        assert time.monotonic() - start < timeout, "no temporary file appeared"
        time.sleep(0.01)


def _temporaries(folder, name):
    return [p for p in folder.iterdir() if p.name.startswith(f".{name}.")]


def _interrupt(proc, sig):
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)  # returns only once every worker is gone too (they hold stderr)
    return err


@pytest.fixture(scope="module")
def many_rows(tmp_path_factory):
    path = tmp_path_factory.mktemp("many") / "many.csv"
    pd.DataFrame({"text": [f"{TEXTS[i % 12]} {i}" for i in range(8000)]}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_predict_interrupted_while_writing_leaves_the_previous_output(many_rows, tmp_path, sig):
    out = tmp_path / "out.xlsx"
    cmd = [*CLI, "predict", str(many_rows), "--output", str(out), "--chunk-rows", "2000"]
    for _attempt in range(3):
        out.write_text("previous output\n", "utf-8")
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        _wait_for(lambda: _temporaries(tmp_path, "out.xlsx"), proc)  # the second pass is writing
        time.sleep(0.2)
        err = _interrupt(proc, sig)
        if proc.returncode != 0:
            break
        # Seen under heavy load: a SIGINT that lands in a finaliser is swallowed by Python and the run ends
        # normally. The output is then the complete new one, never a partial file; the case is tried again.
        assert len(pd.read_excel(out)) == 8000
    assert out.read_text("utf-8") == "previous output\n"
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "Traceback" not in err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]
    else:
        assert proc.returncode == -signal.SIGKILL
        # a killed process cannot clean up: the next run to the same output removes what it left
        assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["out.xlsx"]
        small = tmp_path / "small.csv"
        small.write_text("text\nWebinar gevolgd\n", "utf-8")
        assert subprocess.run([*CLI, "predict", str(small), "--output", str(out)], capture_output=True).returncode == 0
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx", "small.csv"]
        assert len(pd.read_excel(out)) == 1


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_import_reviewed_interrupted_while_writing_leaves_the_labelled_file(tmp_path, sig):
    into = tmp_path / "labelled.xlsx"
    labelled = pd.DataFrame({"text": [f"Webinar {i} gevolgd" for i in range(30_000)], "label": "webinar"})
    write_table(labelled, into)
    before = into.read_bytes()
    reviewed = tmp_path / "reviewed.csv"
    reviewed.write_text("text,label_reviewed\nTwee dagen op het congres,conference\n", "utf-8")
    cmd = [*CLI, "import-reviewed", str(reviewed), "--into", str(into)]
    for _attempt in range(3):
        into.write_bytes(before)
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        _wait_for(lambda: _temporaries(tmp_path, "labelled.xlsx"), proc)
        time.sleep(0.2)
        err = _interrupt(proc, sig)
        if proc.returncode != 0:
            break
        assert len(read_table(into)) == 30_001  # a swallowed SIGINT (see above): the complete new file
    assert into.read_bytes() == before
    names = sorted(p.name for p in tmp_path.iterdir() if sig == signal.SIGINT or not p.name.startswith("."))
    assert names == ["labelled.xlsx", "reviewed.csv"], err


def test_two_predicts_writing_one_output_end_with_one_complete_file(many_rows, tmp_path):
    out = tmp_path / "out.csv"
    procs = [
        subprocess.Popen([*CLI, "predict", str(src), "--output", str(out), "--jobs", "1"], stderr=subprocess.PIPE)
        for src in (many_rows, many_rows)
    ]
    for proc in procs:
        proc.communicate(timeout=600)
        assert proc.returncode == 0
    result = read_table(out)
    assert len(result) == 8000 and result["text"].tolist() == read_table(many_rows)["text"].tolist()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_train_interrupted_while_saving_leaves_the_previous_model(tmp_path, sig, tiny_data):
    from activity_classifier.persistence import load_model

    texts, labels = tiny_data
    data = tmp_path / "coded.csv"
    pd.DataFrame({"text": texts, "label": labels}).to_csv(data, index=False)
    model = tmp_path / "model"
    train = [*CLI, "train", "--data", str(data), "--cv", "0", "--output", str(model)]
    assert subprocess.run(train, capture_output=True).returncode == 0
    before = (model / "metadata.json").read_bytes()
    for _attempt in range(5):  # the save takes a moment: retried in the rare case it slipped past the poll
        proc = subprocess.Popen(train, stderr=subprocess.PIPE, text=True)
        try:
            _wait_for(lambda: _temporaries(tmp_path, "model"), proc)
        except AssertionError:
            proc.communicate()
            continue
        err = _interrupt(proc, sig)
        break
    else:
        pytest.fail("train never caught while saving")
    if proc.returncode == 0:  # it finished its save between the poll and the signal: the new model is whole
        assert load_model(model).classes_ is not None
        return
    assert (model / "metadata.json").read_bytes() == before and load_model(model).classes_ is not None
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "Traceback" not in err, (proc.returncode, err)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["coded.csv", "model"]
    else:
        assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["coded.csv", "model"]
        assert subprocess.run(train, capture_output=True).returncode == 0  # the next save removes the leftover
        assert sorted(p.name for p in tmp_path.iterdir()) == ["coded.csv", "model"]
