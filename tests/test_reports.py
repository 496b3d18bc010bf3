import base64
import copy
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from activity_classifier.evaluation.report import _files, _html, render_html, render_markdown, to_json, write_report
from activity_classifier.evaluation.report._layout import figure_keys

DATA = Path(__file__).parent / "data"
# Real outputs of evaluate_cv (with learning curve) and evaluate_test, with the long example lists trimmed.
SAMPLES = {"cv": ("metrics_cv.json", 6), "test": ("metrics_test.json", 5)}
PNG = b"\x89PNG\r\n\x1a\n"
IMG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
FILES = {"metrics.json", "report.md", "report.html"}


def load(kind):
    with open(DATA / SAMPLES[kind][0], encoding="utf-8") as f:
        return json.load(f)


def nan_to_none(value):
    if isinstance(value, dict):
        return {k: nan_to_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [nan_to_none(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def strict_loads(text):
    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def images(page):
    return [base64.b64decode(m) for m in IMG.findall(page)]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Each sample written once; the tests below read the files."""
    out = {}
    for kind in SAMPLES:
        directory = tmp_path_factory.mktemp(kind) / "report"
        assert write_report(load(kind), directory) == directory
        out[kind] = directory
    return out


@pytest.mark.parametrize("kind", SAMPLES)
def test_writes_the_three_files_and_the_svg_figures_and_nothing_else(written, kind):
    svgs = {f"figure_{key}.svg" for key in figure_keys(load(kind))}
    assert len(svgs) == SAMPLES[kind][1]  # one SVG per figure of the HTML
    assert {p.name for p in written[kind].iterdir()} == FILES | svgs
    for name in svgs:
        text = (written[kind] / name).read_text("utf-8")
        assert text.lstrip().startswith("<?xml") and "<svg" in text and "<script" not in text


@pytest.mark.parametrize("kind", SAMPLES)
def test_metrics_json_round_trips_with_nan_as_null(written, kind):
    metrics = load(kind)
    assert "NaN" in json.dumps(metrics)  # the samples do hold NaN (accuracy where nothing is accepted)
    text = (written[kind] / "metrics.json").read_text("utf-8")
    assert strict_loads(text) == nan_to_none(metrics)
    assert "NaN" not in text
    assert text.startswith('{\n  "schema_version": 2')


@pytest.mark.parametrize("kind", SAMPLES)
def test_markdown_has_the_headline_numbers(written, kind):
    metrics = load(kind)
    md = (written[kind] / "report.md").read_text("utf-8")
    lines = md.splitlines()
    for block in metrics["methods"].values():
        ci = block["ci95"]
        expected = [
            f"{block['accuracy']:.3f} [{ci['accuracy'][0]:.3f}, {ci['accuracy'][1]:.3f}]",
            f"{block['macro_f1']:.3f} [{ci['macro_f1'][0]:.3f}, {ci['macro_f1'][1]:.3f}]",
            f"{block['cohen_kappa']:.3f} [{ci['cohen_kappa'][0]:.3f}, {ci['cohen_kappa'][1]:.3f}]",
            f"| {block['weighted_f1']:.3f} |",
            f"| {block['krippendorff_alpha']:.3f} |",
            f"| {block['group_level']['cohen_kappa']:.3f} |",
        ]
        if "flagged_for_review" in block:
            expected.append(f"| {100 * block['flagged_for_review']:.1f}% |")
        assert any(all(e in line for e in expected) for line in lines), expected
    hybrid = metrics["methods"]["hybrid"]
    share = hybrid["coverage"]["review_share_for_target"]
    assert f"to reach 95% accuracy a person reviews {100 * share:.1f}% of items" in md
    for slug, row in hybrid["per_type"].items():
        lo, hi = row["ci95"]["f1"]  # per-type bootstrap interval of F1
        assert f"{slug} | " in md and f"| {row['f1']:.3f} [{lo:.3f}, {hi:.3f}] | {row['support']} |" in md
    assert f"Brier score {metrics['calibration']['brier']:.3f}" in md
    assert md.count("\n## ") >= 8


def test_markdown_has_the_learning_curve_and_weakest_terms(written):
    metrics = load("cv")
    md = (written["cv"] / "report.md").read_text("utf-8")
    for point in metrics["learning_curve"]:
        assert f"| {point['macro_f1']:.3f} | {point['macro_f1_sd']:.3f} |" in md
    assert f"The 15 least precise of {len(metrics['rules']['terms'])} terms" in md
    terms_table = md.split("least precise")[1].split("\n## ")[0]
    assert terms_table.count("\n| ") == 2 + 15  # header, alignment, 15 rows
    assert "## Learning curve" in md


@pytest.mark.parametrize("kind", SAMPLES)
def test_html_is_self_contained_with_one_png_per_figure(written, kind):
    page = (written[kind] / "report.html").read_text("utf-8")
    pngs = images(page)
    assert page.count('<img src="data:image/png;base64,') == len(pngs) == SAMPLES[kind][1]
    assert all(png.startswith(PNG) for png in pngs)
    assert not re.search(r"""\b(?:src|href)\s*=\s*(?!"data:image/png;base64,)""", page)
    assert "<script" not in page and "<link" not in page and "url(" not in page


def test_test_report_has_no_learning_curve(written):
    md = (written["test"] / "report.md").read_text("utf-8")
    assert "Learning curve" not in md
    assert "held-out test" in md
    assert "cross-validated figures stored with the model" in md


def test_user_texts_are_escaped(tmp_path):
    metrics = load("cv")
    evil = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    metrics["misclassified"][0]["text"] = evil
    metrics["misclassified"][0]["id"] = "<b>id</b>"
    metrics["rules"]["terms"][0]["term"] = "<i>term|pipe</i>"
    metrics["data"]["file"] = "<u>file</u>.csv"
    write_report(metrics, tmp_path)
    page = (tmp_path / "report.html").read_text("utf-8")
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x" in page
    assert "&lt;b&gt;id&lt;/b&gt;" in page and "&lt;u&gt;file&lt;/u&gt;.csv" in page
    assert "&lt;i&gt;term|pipe&lt;/i&gt;" in page
    md = (tmp_path / "report.md").read_text("utf-8")
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "&lt;i&gt;term\\|pipe&lt;/i&gt;" in md  # a pipe would break the Markdown table


def test_long_texts_are_cut_at_a_word_in_tables_but_kept_whole_in_the_tooltip(tmp_path):
    metrics = load("cv")
    text = "Samen met een collega " + "de nieuwe lessenreeks over feedback uitgeprobeerd, " * 10 + "EINDE"
    metrics["misclassified"][0]["text"] = text
    write_report(metrics, tmp_path)
    md = (tmp_path / "report.md").read_text("utf-8")
    row = next(line for line in md.splitlines() if "Samen met een collega" in line)
    assert "EINDE" not in row and "… |" in row
    shown = row.split(" | ")[-1].removesuffix(" |").removesuffix("…")
    assert text.startswith(shown) and text[len(shown)] in " ,"
    page = (tmp_path / "report.html").read_text("utf-8")
    assert f'title="{text}"' in page


def drop(metrics, *path):
    *parents, last = path
    for key in parents:
        metrics = metrics[key]
    del metrics[last]


@pytest.mark.parametrize(
    ("remove", "figures"),
    [
        ([("calibration",)], 5),
        ([("learning_curve",)], 5),
        ([("likely_label_errors",), ("misclassified",), ("rules",), ("seconds",), ("settings",), ("data",)], 6),
        ([("methods", "majority"), ("methods", "tfidf_svm")], 6),
        ([("methods", "hybrid", "coverage")], 5),
        ([("methods", "hybrid", "confusion")], 5),
        ([("methods", m, "ci95") for m in ("hybrid", "model", "rules", "majority", "tfidf_svm")], 6),
        # F1 bars of the other methods, reliability, their risk-coverage curves, learning curve
        ([("methods", "hybrid")], 4),
        ([("methods",)], 2),
        ([("methods",), ("calibration",), ("learning_curve",)], 0),
    ],
)
def test_missing_optional_blocks_are_left_out(tmp_path, remove, figures):
    metrics = load("cv")
    for path in remove:
        drop(metrics, *path)
    write_report(metrics, tmp_path)
    page = (tmp_path / "report.html").read_text("utf-8")
    assert len(images(page)) == figures
    assert strict_loads((tmp_path / "metrics.json").read_text("utf-8")) == nan_to_none(metrics)


@pytest.mark.parametrize("metrics", [{}, {"methods": {}}, {"kind": "test", "methods": {"hybrid": {"n": 0}}}])
def test_nearly_empty_metrics_still_make_a_report(tmp_path, metrics):
    write_report(metrics, tmp_path)
    assert "# Evaluation report" in (tmp_path / "report.md").read_text("utf-8")
    assert "data:image/png" not in (tmp_path / "report.html").read_text("utf-8")


def test_empty_lists_and_missing_values(tmp_path):
    metrics = load("test")
    metrics["misclassified"] = []
    metrics["likely_label_errors"] = []
    metrics["rules"]["terms"] = []
    metrics["methods"]["hybrid"]["accuracy"] = float("nan")
    metrics["methods"]["hybrid"]["ci95"]["accuracy"] = [None, None]
    md = render_markdown(metrics)
    assert "## Misclassified (hybrid)\n\nNone." in md
    assert "## Likely label errors\n\nNone." in md
    hybrid_row = next(line for line in md.splitlines() if line.startswith("| hybrid"))
    assert hybrid_row.split(" | ")[2] == "–"
    assert strict_loads(to_json(metrics))["methods"]["hybrid"]["accuracy"] is None


def test_review_share_of_one_says_the_target_is_not_reached():
    metrics = load("test")
    metrics["methods"]["rules"]["coverage"]["review_share_for_target"] = 1.0
    assert "rules: 95% accuracy is not reached at any confidence" in render_markdown(metrics)


def test_no_file_is_written_when_a_figure_fails(tmp_path, monkeypatch):
    old = tmp_path / "old"
    write_report(load("test"), old)
    before = {p.name: p.read_bytes() for p in old.iterdir()}

    def broken(metrics, key):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(_html, "_figure_png", broken)
    with pytest.raises(RuntimeError, match="figure failed"):
        write_report(load("cv"), old)
    assert {p.name: p.read_bytes() for p in old.iterdir()} == before
    fresh = tmp_path / "fresh"
    with pytest.raises(RuntimeError, match="figure failed"):
        write_report(load("cv"), fresh)
    assert not fresh.exists() or not any(fresh.iterdir())


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    real = _files._writer

    def failing(data):
        if data.startswith(b"<!DOCTYPE html>"):

            def write(tmp):
                tmp.write_bytes(data[:100])
                raise OSError("disk full")

            return write
        return real(data)

    monkeypatch.setattr(_files, "_writer", failing)
    with pytest.raises(OSError, match="disk full"):
        write_report(load("test"), tmp_path)
    # The files rendered before the failure are complete; the HTML was never put in place.
    assert {p.name for p in tmp_path.iterdir()} == {"metrics.json", "report.md"}


def test_render_html_matches_the_markdown_sections():
    metrics = load("cv")
    md, page = render_markdown(metrics), render_html(metrics)
    for title in re.findall(r"^## (.+)$", md, flags=re.MULTILINE):
        assert f"<h2>{title}</h2>" in page


def test_matplotlib_is_imported_lazily_and_pyplot_never():
    code = (
        "import sys, json, tempfile; import activity_classifier.evaluation.report as r; "
        "assert 'matplotlib' not in sys.modules; "
        f"r.write_report(json.loads(open({str(DATA / 'metrics_test.json')!r}).read()), tempfile.mkdtemp()); "
        "assert 'matplotlib' in sys.modules and 'matplotlib.pyplot' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_input_is_not_modified(tmp_path):
    metrics = load("cv")
    original = copy.deepcopy(metrics)
    write_report(metrics, tmp_path)
    assert json.dumps(metrics, sort_keys=True) == json.dumps(original, sort_keys=True)


def keys(value, skip=frozenset({"estimator"})):
    """Every key name in nested dicts, except the children of ``skip`` (free-form settings)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            if k not in skip:
                yield from keys(v, skip)
    elif isinstance(value, list):
        for v in value:
            yield from keys(v, skip)


@pytest.mark.parametrize("kind", SAMPLES)
def test_docs_document_every_key(kind):
    from activity_classifier.taxonomy import get_taxonomy

    docs = (Path(__file__).parents[1] / "docs" / "metrics.md").read_text("utf-8")
    slugs = set(get_taxonomy().slugs)
    missing = {k for k in keys(load(kind)) if k not in slugs and f"`{k}`" not in docs}
    assert not missing


def test_docs_document_every_key_of_a_fresh_result(tiny_data):
    """The golden samples predate some keys: a fresh cross-validation and held-out test must be documented too."""
    from activity_classifier.estimator import ActivityClassifier
    from activity_classifier.evaluation import evaluate_cv, evaluate_test
    from activity_classifier.taxonomy import get_taxonomy

    texts, labels = tiny_data
    cv = evaluate_cv(
        ActivityClassifier(),
        texts,
        labels,
        [f"g{i % 4}" for i in range(24)],
        n_splits=2,
        n_bootstrap=20,
        group_column="docent",
    ).to_dict()
    model = ActivityClassifier().fit(texts, labels)
    test = evaluate_test(
        model, texts, labels, baseline_data=(texts, labels), baseline_info={"source": "given"}, n_bootstrap=20
    ).to_dict()
    assert cv["schema_version"] == test["schema_version"] == 2
    assert "ci95" in next(iter(cv["methods"]["hybrid"]["per_type"].values()))
    docs = (Path(__file__).parents[1] / "docs" / "metrics.md").read_text("utf-8")
    slugs = set(get_taxonomy().slugs)
    for metrics in (cv, test):
        assert set(metrics["reproducibility"]) == {"versions", "platform", "date", "command", "data"}
        missing = {k for k in keys(metrics, skip=("estimator", "versions")) if k not in slugs and f"`{k}`" not in docs}
        assert not missing
