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


def test_the_comparison_finds_what_changed_and_ignores_rounding_noise():
    golden = _golden_script()
    stored = {"a": 0.13154147535399466, "b": [1, 2], "c": {"d": "x"}, "n": 3}
    assert golden.differences(stored, {**stored, "a": 0.1315414753540018}) == []
    assert golden.differences(stored, {**stored, "a": 0.1316}) == ["/a: 0.13154147535399466 != 0.1316"]
    assert golden.differences(stored, {**stored, "b": [1, 3]}) == ["/b/1: 2 != 3"]
    assert golden.differences(stored, {**stored, "n": 4}) == ["/n: 3 != 4"]
    assert golden.differences(stored, {**stored, "c": {}}) == ["/c: keys ['d']"]
    assert golden.differences(stored, {**stored, "b": [1]}) == ["/b: 2 items, now 1"]


@pytest.mark.slow
def test_golden_metrics_match_a_fresh_evaluation():
    golden = _golden_script()
    fresh = golden.generate()
    for kind, metrics in fresh.items():
        stored = json.loads((ROOT / "tests" / "data" / f"metrics_{kind}.json").read_text("utf-8"))
        diff = golden.differences(golden.comparable(stored), golden.comparable(metrics))
        assert diff == [], f"run scripts/golden_metrics.py ({kind}): {diff[:5]}"
        assert set(stored["seconds"]) == set(metrics["seconds"])
