"""The golden metrics files used by the report tests are what evaluation produces today."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _golden_script():
    spec = importlib.util.spec_from_file_location("golden_metrics", ROOT / "scripts" / "golden_metrics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_golden_metrics_match_a_fresh_evaluation():
    golden = _golden_script()
    fresh = golden.generate()
    for kind, metrics in fresh.items():
        stored = json.loads((ROOT / "tests" / "data" / f"metrics_{kind}.json").read_text("utf-8"))
        assert golden.comparable(stored) == golden.comparable(metrics), f"run scripts/golden_metrics.py ({kind})"
        assert set(stored["seconds"]) == set(metrics["seconds"])
