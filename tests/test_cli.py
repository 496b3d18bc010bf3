import csv
import io
import json
import subprocess
import sys

import pytest

from activity_classifier import __version__
from activity_classifier.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_taxonomy_formats(capsys, fmt):
    assert main(["taxonomy", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "formal_collaboration" in out and "teaching_coaching" in out
    if fmt == "json":
        data = json.loads(out)
        assert len(data) == 11 and data[0]["id"] == "I1"
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert len(rows) == 11 and rows[-1]["slug"] == "formal_collaboration"
    if fmt == "markdown":
        assert out.count("\n") == 13


@pytest.mark.parametrize("argv", [[], ["bogus"], ["taxonomy", "--format", "xml"]])
def test_bad_usage_exits_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_console_script_has_no_traceback_on_bad_usage():
    proc = subprocess.run(
        [sys.executable, "-m", "activity_classifier.cli", "taxonomy", "--format", "xml"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "invalid choice" in proc.stderr
