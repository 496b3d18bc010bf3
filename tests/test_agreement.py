"""Agreement between coders: intervals, the confusion matrix, missing codes, three coders, the workbook."""

import contextlib
import io

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from activity_classifier.cli import main
from activity_classifier.evaluation import agreement, agreement_from_files, fleiss_kappa, multi_agreement
from activity_classifier.taxonomy import get_taxonomy

# Fleiss (1971): ten subjects, fourteen raters, five categories; the textbook result is kappa = 0.210
# (mean agreement 0.378, chance agreement 0.213).
FLEISS_1971 = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_fleiss_kappa_textbook_example():
    assert fleiss_kappa(FLEISS_1971) == pytest.approx(0.2099, abs=5e-4)
    with pytest.raises(ValueError):
        fleiss_kappa([[1, 1], [2, 1]])  # units with different numbers of coders


def test_fleiss_kappa_equals_the_two_coder_definition_for_two_coders():
    # With two coders Fleiss' kappa is Scott's pi: (po - pe) / (1 - pe) with pooled marginals.
    a = ["x", "x", "y", "y", "x", "y"]
    b = ["x", "y", "y", "y", "x", "x"]
    r = multi_agreement({"A": a, "B": b})
    po = np.mean([x == y for x, y in zip(a, b, strict=True)])
    pooled = {c: (a.count(c) + b.count(c)) / 12 for c in "xy"}
    pe = sum(p * p for p in pooled.values())
    assert r["fleiss_kappa"] == pytest.approx((po - pe) / (1 - pe))


def test_missing_codes_are_not_disagreements():
    r = agreement(["a", "a", "b", None], ["a", "b", "b", "b"], ids=["r1", "r2", "r3", "r4"])
    assert [d["id"] for d in r["disagreements"]] == ["r2"]
    assert r["missing"] == [{"id": "r4", "a": None, "b": "b"}]
    assert r["n"] == 3 and r["n_missing"] == 1
    assert r["percent_agreement"] == pytest.approx(2 / 3)  # over the units both coded
    assert r["confusion"] == {"labels": ["a", "b"], "matrix": [[1, 1], [0, 1]]}


def test_bootstrap_intervals_bracket_the_estimates():
    rng = np.random.default_rng(1)
    a = list(rng.choice(["x", "y", "z"], 200))
    b = [x if rng.random() < 0.8 else "x" for x in a]
    r = agreement(a, b, n_bootstrap=300)
    for key in ("percent_agreement", "cohen_kappa", "krippendorff_alpha"):
        low, high = r["ci95"][key]
        assert low < r[key] < high and high - low < 0.3
    assert "ci95" not in agreement(a, b)


def test_three_coders():
    r = multi_agreement(
        {"A": ["x", "x", "y", "y"], "B": ["x", "y", "y", "y"], "C": ["x", "x", "y", None]},
        ids=["1", "2", "3", "4"],
        n_bootstrap=50,
    )
    assert r["n"] == 3 and r["n_missing"] == 1 and r["percent_agreement"] == pytest.approx(2 / 3)
    assert [d["id"] for d in r["disagreements"]] == ["2"] and [d["id"] for d in r["missing"]] == ["4"]
    assert set(r["pairwise"]) == {"A|B", "A|C", "B|C"} and r["pairwise"]["A|C"]["n"] == 3
    assert r["pairwise"]["A|C"]["cohen_kappa"] == pytest.approx(1.0)
    assert set(r["ci95"]) == {"percent_agreement", "fleiss_kappa", "krippendorff_alpha"}


@pytest.fixture
def coded(tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.xlsx"
    ids = ["R1", "R2", "R3", "R4"]
    pd.DataFrame({"Nr": ids, "text": ["t1", "t2", "t3", "t4"], "label": ["F4", "f3", "", "I3"]}).to_csv(a, index=False)
    pd.DataFrame({"Nr": ids, "label": ["conference", "conference", "tasks_roles", "I3"]}).to_csv(b, index=False)
    pd.DataFrame({"Nr": ids, "label": ["F4", "F3", "I3", "I3"]}).to_excel(c, index=False)
    return a, b, c


def test_agreement_command_keeps_missing_codes_apart(coded, tmp_path):
    a, b, _ = coded
    out = tmp_path / "adjudicate.xlsx"
    code, text, _ = run("agreement", str(a), str(b), "--id-column", "nr", "--bootstrap", "100", "--output", str(out))
    assert code == 0
    assert "3 units coded in both files" in text and "1 more units in both files are missing a code" in text
    assert "1 disagreements, 1 missing codes" in text and "confusion (rows: coder A" in text
    assert "Cohen's kappa" in text and "[" in text  # the interval
    wb = load_workbook(out)
    ws = wb["disagreements"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["Nr", "text", "label_a", "label_b", "adjudicated"]  # the user's id name
    assert [c.value for c in ws[2]][:4] == ["R2", "t2", "structured_coaching", "conference"]
    (check,) = ws.data_validations.dataValidation
    assert check.type == "list" and str(check.sqref) == "E2"
    ref = check.formula1.split("!")
    assert [r[0].value for r in wb[ref[0]][ref[1].replace("$", "")]] == list(get_taxonomy().slugs)
    assert [c.value for c in wb["missing codes"][2]][:4] == ["R3", "t3", None, "tasks_roles"]


def test_agreement_command_three_coders(coded):
    code, text, _ = run("agreement", *map(str, coded), "--id-column", "Nr", "--bootstrap", "0")
    assert code == 0 and "Fleiss' kappa" in text and "Cohen's kappa A-C" in text
    assert "3 units coded by all 3 coders, 1 missing a code" in text
    found = agreement_from_files(*coded, id_column="Nr")
    assert found.coders == ["a", "b", "c"] and list(found.disagreements().columns)[2:5] == [
        "label_a",
        "label_b",
        "label_c",
    ]


def test_agreement_dry_run_writes_nothing(coded, tmp_path):
    out = tmp_path / "x.xlsx"
    code, _, err = run(
        "agreement", str(coded[0]), str(coded[1]), "--id-column", "Nr", "--output", str(out), "--dry-run"
    )
    assert code == 0 and not out.exists() and "dry run" in err
