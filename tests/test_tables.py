import pandas as pd
import pytest

from activity_classifier.exceptions import EmptyInputError, InputDataError
from activity_classifier.tables import atomic_write, find_column, read_table, sheet_row, write_table

ROWS = [["1", "Webinar gevolgd; daarna geëvalueerd", "pd_programme"], ["2", "Café-overleg met collega's", "x"]]


def write_csv(path, sep=",", encoding="utf-8"):
    frame = pd.DataFrame(ROWS, columns=["id", "Tekst", "label"])
    frame.to_csv(path, sep=sep, index=False, encoding=encoding)
    return path


@pytest.mark.parametrize(
    ("sep", "encoding"),
    [(",", "utf-8"), (",", "utf-8-sig"), (";", "cp1252"), (";", "utf-8-sig"), ("\t", "utf-8")],
)
def test_reads_common_csv_dialects(tmp_path, sep, encoding):
    path = write_csv(tmp_path / "in.csv", sep, encoding)
    df = read_table(path)
    assert list(df.columns) == ["id", "Tekst", "label"]
    assert df["Tekst"].tolist() == [ROWS[0][1], ROWS[1][1]]
    assert df["id"].tolist() == ["1", "2"]


def test_reads_xlsx_as_text(tmp_path):
    path = tmp_path / "in.xlsx"
    pd.DataFrame({"id": ["007", "8"], "text": ["Boek gelezen", None]}).to_excel(path, index=False)
    df = read_table(path)
    assert df["id"].tolist() == ["007", "8"]
    assert df["text"].tolist() == ["Boek gelezen", ""]


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("missing.csv", None, InputDataError, "file not found"),
        ("empty.csv", b"", EmptyInputError, "file is empty"),
        ("header.csv", b"id,text\n", EmptyInputError, "no data rows"),
        ("utf16.csv", "id,text\n1,a\n".encode("utf-16"), InputDataError, "binary"),
        ("data.json", b"{}", InputDataError, "unsupported file type '.json'"),
        ("broken.xlsx", b"not a zip", InputDataError, "not a readable .xlsx"),
        ("ragged.csv", b'id,text\n1,"open quote\n', InputDataError, "malformed CSV"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path, name, content, error, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(error, match=message) as info:
        read_table(path)
    text = str(info.value)
    assert "\n" not in text and str(path) in text


def test_find_column_ignores_case_and_lists_alternatives(tmp_path):
    df = pd.DataFrame(columns=["ID", " Tekst "])
    df.columns = ["ID", "Tekst"]
    assert find_column(df, "tekst") == "Tekst"
    with pytest.raises(
        InputDataError, match=r"in\.csv, column 'text': column not found; available columns: 'ID', 'Tekst'"
    ):
        find_column(df, "text", "in.csv")


def test_sheet_rows_count_the_header():
    assert sheet_row(0) == 2


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_write_table_round_trip(tmp_path, suffix):
    df = pd.DataFrame({"text": ["één", "twee"], "n": ["1", "2"]})
    path = write_table(df, tmp_path / f"out{suffix}")
    assert read_table(path).to_dict("list") == df.to_dict("list")
    assert [p.name for p in tmp_path.iterdir()] == [f"out{suffix}"]


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old", "utf-8")

    def fail(tmp):
        tmp.write_text("half", "utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(target, fail)
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_refuses_to_overwrite_an_input(tmp_path):
    path = write_csv(tmp_path / "in.csv")
    before = path.read_bytes()
    with pytest.raises(InputDataError, match="refusing to overwrite an input"):
        write_table(pd.DataFrame({"a": [1]}), path, inputs=[path])
    assert path.read_bytes() == before


def test_unsupported_output_type(tmp_path):
    with pytest.raises(InputDataError, match="unsupported output type"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "out.json")


def test_outputs_get_ordinary_permissions(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        path = write_table(pd.DataFrame({"a": [1]}), tmp_path / "out.csv")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644
