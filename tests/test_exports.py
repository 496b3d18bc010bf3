"""The public API: what each package exports, and what importing it costs."""

import importlib
import subprocess
import sys
import types

import pytest

PACKAGES = {
    "activity_classifier": [
        "ActivityClassifier",
        "ActivityClassifierError",
        "ActivityType",
        "InputDataError",
        "ModelArtifactError",
        "ModelIntegrityError",
        "ModelTrustError",
        "Prediction",
        "Taxonomy",
        "UnknownLabelError",
        "__version__",
        "classify",
        "get_taxonomy",
        "load_model",
        "save_model",
    ],
    "activity_classifier.cli": ["build_parser", "main"],
    "activity_classifier.evaluation": [
        "ADAPTATION_SIZES",
        "BASELINES",
        "NO_LABEL",
        "OWN_WEIGHT_GRID",
        "SCHEMA_VERSION",
        "AdaptationCurve",
        "AdaptationPoint",
        "AddedCorpus",
        "Calibration",
        "CrossValResult",
        "EvaluationResult",
        "FileAgreement",
        "Forecast",
        "MethodScores",
        "WeightChoice",
        "adaptation_curve",
        "agreement",
        "agreement_from_files",
        "bootstrap_ci",
        "check_gate",
        "choose_own_weight",
        "classification_metrics",
        "coverage_curve",
        "cross_validate",
        "evaluate_cv",
        "evaluate_test",
        "expected_calibration_error",
        "fit_with_corpus",
        "fleiss_kappa",
        "fold_indices",
        "gate_checks",
        "krippendorff_alpha",
        "learning_curve",
        "likely_label_errors",
        "multi_agreement",
        "multiclass_brier",
        "per_type_ci",
        "reliability_table",
        "reproducibility_record",
        "risk_coverage_summary",
        "rule_analysis",
        "training_overlap",
    ],
    "activity_classifier.evaluation.report": ["render_html", "render_markdown", "to_json", "write_report"],
    "activity_classifier.qda": [
        "GUID_NAMESPACE",
        "ProjectSummary",
        "code_guid",
        "codebook_xml",
        "project_xml",
        "read_qdpx",
        "write_codebook",
        "write_project",
    ],
}
CORE = [
    "analysis",
    "corpus",
    "estimator",
    "exceptions",
    "features",
    "persistence",
    "policy",
    "predictions",
    "reliability",
    "rules",
    "tables",
    "taxonomy",
    "text",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_package_exports_exactly_its_api(name):
    module = importlib.import_module(name)
    assert sorted(module.__all__) == sorted(PACKAGES[name])
    for attr in module.__all__:
        assert getattr(module, attr) is not None


@pytest.mark.parametrize("name", ["activity_classifier.annotate", *(f"activity_classifier.{m}" for m in CORE)])
def test_every_name_in_all_exists(name):
    module = importlib.import_module(name)
    assert module.__all__
    missing = [attr for attr in module.__all__ if not hasattr(module, attr)]
    assert missing == []


@pytest.mark.parametrize(
    "name",
    [
        "activity_classifier.cli",
        "activity_classifier.evaluation",
        "activity_classifier.evaluation.report",
        "activity_classifier.annotate",
    ],
)
def test_sub_packages_keep_their_implementation_private(name):
    module = importlib.import_module(name)
    public = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public <= set(module.__all__) | {"annotations"}
    modules = [attr for attr, value in vars(module).items() if isinstance(value, types.ModuleType)]
    assert all(m.startswith("_") or m == "report" for m in modules)


def test_the_top_level_api_is_importable_as_before():
    from activity_classifier import ActivityClassifier, Prediction, classify, load_model, save_model
    from activity_classifier.estimator import ActivityClassifier as Estimator
    from activity_classifier.persistence import load_model as load

    assert ActivityClassifier is Estimator and load_model is load
    assert callable(classify) and callable(save_model) and Prediction.__name__ == "Prediction"
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        importlib.import_module("activity_classifier").nothing  # noqa: B018


HEAVY = ("sklearn", "spacy", "pandas", "scipy", "matplotlib")


@pytest.mark.parametrize("argv", [["--help"], ["taxonomy"], ["taxonomy", "--format", "json"]])
def test_help_and_taxonomy_import_no_heavy_library(argv):
    code = (
        "import sys\n"
        "from activity_classifier.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stderr


def test_not_fitted_error_is_built_on_first_use():
    code = (
        "import sys\n"
        "import activity_classifier.exceptions as e\n"
        "assert 'sklearn' not in sys.modules\n"
        "from sklearn.exceptions import NotFittedError\n"
        "assert issubclass(e.NotFittedError, NotFittedError)\n"
        "assert issubclass(e.NotFittedError, e.ActivityClassifierError)\n"
        "assert e.NotFittedError is e.NotFittedError\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
