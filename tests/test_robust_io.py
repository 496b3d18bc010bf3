"""Bad input and a hostile file system: one-line errors, nothing partial, nothing silently wrong (issue 14,
items 5 and 6)."""

import errno
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from activity_classifier import classify, tables
from activity_classifier.cli import main
from activity_classifier.exceptions import EmptyInputError, InputDataError
from activity_classifier.tables import (
    MAX_UNPACKED_BYTES,
    escape_xlsx_text,
    read_table,
    unescape_xlsx_text,
    write_table,
)

CLI = [sys.executable, "-m", "activity_classifier.cli"]


def one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err and "Exception ignored" not in err, err
    return lines[0]


@pytest.fixture
def small_csv(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("text\nWebinar over feedback gevolgd\nTwee dagen op het jaarcongres\n", "utf-8")
    return path


def run_cli(args, capsys):
    code = main([str(a) for a in args])
    return code, capsys.readouterr()


# --- item 5: tracebacks become one line --------------------------------------------------------------------


def test_predict_to_a_folder_is_one_line(small_csv, tmp_path, capsys):
    (tmp_path / "out.csv").mkdir()
    code, out = run_cli(["predict", small_csv, "--output", tmp_path / "out.csv"], capsys)
    assert code == 2 and "out.csv" in one_line(out.err)
    assert list((tmp_path / "out.csv").iterdir()) == []


@pytest.mark.parametrize("where", ["mkstemp", "replace"])
def test_a_read_only_output_folder_is_one_line_for_predict(small_csv, tmp_path, capsys, monkeypatch, where):
    # The tests may run as root, for whom chmod does not make a folder read-only: the file system's answer
    # is simulated where it would come.
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "ro"))

    monkeypatch.setattr(tables.tempfile if where == "mkstemp" else tables.os, where, refuse)
    (tmp_path / "ro").mkdir()
    code, out = run_cli(["predict", small_csv, "--output", tmp_path / "ro" / "x.csv"], capsys)
    assert code == 2 and "Permission denied" in one_line(out.err)
    assert list((tmp_path / "ro").iterdir()) == []


def test_a_read_only_output_folder_is_one_line_for_train(tmp_path, capsys, monkeypatch, tiny_data):
    from activity_classifier import persistence

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(persistence.tempfile, "mkdtemp", refuse)
    data = tmp_path / "train.csv"
    texts, labels = tiny_data
    teachers = [f"t{i % 4}" for i in range(len(texts))]
    pd.DataFrame({"text": texts, "label": labels, "teacher_id": teachers}).to_csv(data, index=False)
    code, out = run_cli(["train", "--data", data, "--cv", "0", "--output", tmp_path / "model"], capsys)
    assert code == 2 and "Traceback" not in out.err
    assert out.err.strip().splitlines()[-1].endswith("model: cannot write the output (Permission denied)")
    assert not (tmp_path / "model").exists()


def test_a_full_disk_on_stdout_is_one_line_without_exception_ignored(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [*CLI, "predict", "-"], input="Webinar gevolgd\n" * 300, stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert proc.returncode == 2
    assert "No space left on device" in one_line(proc.stderr)


def test_taxonomy_to_a_full_disk_is_one_line():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        proc = subprocess.run([*CLI, "taxonomy"], stdout=full, stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 2
    assert "No space left on device" in one_line(proc.stderr)


def test_a_full_disk_while_writing_is_one_line_and_leaves_nothing(small_csv, tmp_path, capsys, monkeypatch):
    real = pd.DataFrame.to_csv

    def full(self, path, *args, **kwargs):
        real(self, path, *args, **kwargs)  # something was written to the temporary file, then the disk filled
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    out_dir = tmp_path / "out"
    code, out = run_cli(["predict", small_csv, "--output", out_dir / "p.csv"], capsys)
    assert code == 2 and "No space left on device" in one_line(out.err)
    assert list(out_dir.iterdir()) == []


def test_invalid_utf8_on_stdin_is_one_line_naming_the_line():
    proc = subprocess.run(
        [*CLI, "predict", "-"], input=b"Webinar gevolgd\ncaf\xe9 bezocht\n", capture_output=True, timeout=120
    )
    assert proc.returncode == 2
    err = one_line(proc.stderr.decode())
    assert "<stdin>, row 2" in err and "0xe9" in err
    assert proc.stdout == b""


def test_a_lone_surrogate_through_the_api_is_classified(default_model):
    from activity_classifier.taxonomy import get_taxonomy

    SLUGS = get_taxonomy().slugs

    out = classify(["Webinar \ud800 gevolgd", "Boek\udfff gelezen", "\udc80", ""], model=default_model)
    assert len(out) == 4 and set(out["label"][:2]) <= set(SLUGS)
    assert out["text"][0] == "Webinar \ud800 gevolgd"  # the input column is what was passed in


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_control_characters_round_trip_through_xlsx_and_csv(tmp_path, suffix):
    texts = ["Web\x01inar", "a\x02b\x1fc", "_x0041_ literally", "_x005F_", "_x005f_x0007_", "tab\tand\x0bvt", "x"]
    if suffix == ".xlsx":
        texts.append("nul\x00byte")  # a CSV with a NUL is refused as binary; an xlsx can carry it escaped
    path = write_table(pd.DataFrame({"text": texts, "n": ["1"] * len(texts)}), tmp_path / f"t{suffix}")
    assert read_table(path)["text"].tolist() == texts


def test_predict_writes_an_xlsx_with_a_control_character(tmp_path, capsys):
    src = tmp_path / "c.csv"
    src.write_bytes(b"text\nWeb\x01inar gevolgd\n")
    code, out = run_cli(["predict", src, "--output", tmp_path / "c.xlsx"], capsys)
    assert code == 0, out.err
    assert read_table(tmp_path / "c.xlsx")["text"].tolist() == ["Web\x01inar gevolgd"]


def test_xlsx_escapes_are_the_ooxml_ones():
    assert escape_xlsx_text("\x07") == "_x0007_"
    assert unescape_xlsx_text("_x0007_") == "\x07"
    assert unescape_xlsx_text(escape_xlsx_text("_x005f_x0007_")) == "_x005f_x0007_"


# --- item 6: no silent wrong output ------------------------------------------------------------------------


def test_utf8_with_one_invalid_byte_is_refused_naming_row_and_byte(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes("text\nCafé bezocht\n".encode() + b"Webinar \xff gevolgd\n")
    with pytest.raises(InputDataError, match=r"u\.csv, row 3: invalid UTF-8 byte 0xff at byte 28 ") as info:
        read_table(path)
    assert "\n" not in str(info.value)


def test_windows_1252_is_still_read(tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes("text;id\nCafé bezocht;1\nCongrès;2\n".encode("cp1252"))
    assert read_table(path)["text"].tolist() == ["Café bezocht", "Congrès"]


def test_a_row_with_one_field_more_than_the_header_is_refused(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("text,id\nWebinar gevolgd,1,extra\nCongres,2\n", "utf-8")
    with pytest.raises(InputDataError, match=r"e\.csv, row 2: 3 fields but the header has 2"):
        read_table(path)


def test_trailing_empty_fields_and_short_rows_are_fine(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("text,id\nWebinar,1,,\nCongres\n", "utf-8")
    df = read_table(path)
    assert df.to_dict("list") == {"text": ["Webinar", "Congres"], "id": ["1", ""]}


def test_an_unquoted_single_column_file_with_commas_is_refused(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("text\nWebinar, daarna congres\nBoek gelezen, leuk\n", "utf-8")
    with pytest.raises(InputDataError, match=r"row 2: 2 fields but the header has 1 .*quoted"):
        read_table(path)
    path.write_text('text\n"Webinar, daarna congres"\n"Boek gelezen, leuk"\n', "utf-8")
    assert read_table(path)["text"].tolist() == ["Webinar, daarna congres", "Boek gelezen, leuk"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_duplicate_and_unnamed_columns(tmp_path, suffix):
    path = tmp_path / f"d{suffix}"

    def write(rows):
        if suffix == ".csv":
            path.write_text("\n".join(",".join(r) for r in rows) + "\n", "utf-8")
        else:
            from openpyxl import Workbook

            wb = Workbook()
            for r in rows:
                wb.active.append([c or None for c in r])
            wb.save(path)

    write([["text", "label", "text"], ["Webinar", "x", "y"]])
    with pytest.raises(InputDataError, match="columns 1 and 3 have the same name"):
        read_table(path)
    write([["text", "", "id"], ["Webinar", "x", "1"]])
    with pytest.raises(InputDataError, match="column 2 holds data but has no name"):
        read_table(path)
    write([["text", "", "id"], ["Webinar", "", "1"]])
    assert list(read_table(path).columns) == ["text", "id"]  # an empty column without a name is dropped


def test_input_columns_named_like_outputs_never_duplicate_a_header(default_model, tmp_path, capsys):
    src = tmp_path / "l.csv"
    src.write_text("text,label,input_label\nWebinar gevolgd,a,b\n", "utf-8")
    code, out = run_cli(["predict", src, "--output", tmp_path / "o.csv"], capsys)
    assert code == 0, out.err
    header = (tmp_path / "o.csv").read_text("utf-8").splitlines()[0].split(",")
    assert len(header) == len(set(header))
    assert header[:3] == ["text", "input_label_2", "input_label"]
    frame = pd.DataFrame([["Webinar", "a", "b"]], columns=["text", "label", "label"])
    with pytest.raises(InputDataError, match="two columns named 'label'"):
        classify(frame, model=default_model)


def bomb(path, part, size, extra=()):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in extra:
            zf.writestr(name, "<x/>")
        with zf.open(part, "w", force_zip64=True) as f:
            chunk = b"A" * (1 << 20)
            for _ in range(size >> 20):
                f.write(chunk)


def test_an_xlsx_zip_bomb_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    bomb(path, "xl/sharedStrings.xml", 8 << 20, extra=["[Content_Types].xml"])
    assert path.stat().st_size < 100_000

    def never(*args, **kwargs):
        raise AssertionError("read_excel must not be called on a zip bomb")

    monkeypatch.setattr(pd, "read_excel", never)
    with pytest.raises(InputDataError, match=r"part xl/sharedStrings\.xml unpacks to \d+ times its size"):
        read_table(path)
    monkeypatch.setattr(tables, "MAX_UNPACKED_BYTES", 4 << 20)
    with pytest.raises(InputDataError, match="unpacks to 8 MB, more than the limit of 4 MB"):
        read_table(path)
    assert MAX_UNPACKED_BYTES == 256 << 20


def test_a_docx_zip_bomb_is_refused_before_reading(tmp_path, monkeypatch):
    from activity_classifier.annotate import read_activities

    path = tmp_path / "bomb.docx"
    bomb(path, "word/document.xml", 8 << 20, extra=["[Content_Types].xml"])
    import docx

    def never(*args, **kwargs):
        raise AssertionError("python-docx must not open a zip bomb")

    monkeypatch.setattr(docx, "Document", never)
    with pytest.raises(InputDataError, match="zip bomb"):
        read_activities([path])


def test_classify_labels_an_empty_text_none_in_every_position(default_model, tmp_path):
    alone = classify([""], model=default_model)
    among = classify(["", "Webinar gevolgd", ""], model=default_model)
    for frame in (alone, among):
        empty = frame[frame["text"] == ""]
        for col in ("label", "label_nl", "group"):
            assert all(v is None for v in empty[col]), (col, empty[col].tolist())
    # the CSV output is unchanged: an empty cell
    write_table(among, tmp_path / "p.csv")
    assert (tmp_path / "p.csv").read_text("utf-8").splitlines()[1].startswith(",,,,0.0,none,True,empty_text")


def test_a_file_of_blank_lines_is_empty(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("text\n\n\n", "utf-8")
    with pytest.raises(EmptyInputError):
        read_table(path)


def _children(pid):
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text("ascii").split()
    except OSError:  # ended
        return []


@pytest.mark.parametrize("sig", ["SIGINT", "SIGKILL"])
def test_an_interrupted_predict_leaves_the_previous_output_intact(tmp_path, sig):
    import signal
    import time

    src = tmp_path / "big.csv"
    pd.DataFrame({"text": [f"Webinar {i} over feedback gevolgd met collega's" for i in range(40_000)]}).to_csv(
        src, index=False
    )
    out = tmp_path / "out.csv"
    cmd = [*CLI, "predict", str(src), "--output", str(out), "--jobs", "2"]
    for _attempt in range(3):
        out.write_text("previous output\n", "utf-8")
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        # Interrupt while it classifies: once its --jobs workers exist (forked for the first chunk).
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline and not _children(proc.pid):
            time.sleep(0.01)
        time.sleep(0.3)
        assert proc.poll() is None, "predict finished before the moment to interrupt it"
        proc.send_signal(getattr(signal, sig))
        _, err = proc.communicate(timeout=60)
        if proc.returncode != 0:
            break
        # A SIGINT that lands in a finaliser is swallowed by Python and the run ends normally: the output
        # is then the complete new one, never a partial file; the case is tried again.
        assert len(pd.read_csv(out)) == 40_000
    assert out.read_text("utf-8") == "previous output\n"
    if sig == "SIGINT":
        assert proc.returncode == 130 and "Traceback" not in err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv", "out.csv"]  # no temporary file left


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KB tmpfs (needs root and a mount command); skipped where it cannot be mounted."""
    import shutil

    disk = tmp_path / "tiny"
    disk.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_a_really_full_disk_is_one_line_and_leaves_nothing(tiny_disk, tmp_path, capsys, default_model):
    src = tmp_path / "many.csv"
    pd.DataFrame({"text": [f"Webinar {i} over feedback gevolgd" for i in range(600)]}).to_csv(src, index=False)
    (tiny_disk / "keep.txt").write_text("previous\n", "utf-8")
    code, out = run_cli(["predict", src, "--output", tiny_disk / "p.csv"], capsys)
    assert code == 2 and "No space left on device" in one_line(out.err)
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["keep.txt"]
