"""Run the examples in the public modules' docstrings, so documentation cannot rot."""

import doctest
import importlib

import pytest

MODULES = [
    "activity_classifier",
    "activity_classifier.taxonomy",
    "activity_classifier.text",
    "activity_classifier.privacy",
    "activity_classifier.ingest",
    "activity_classifier.export",
    "activity_classifier.review",
    "activity_classifier.prelabel",
    "activity_classifier.reports",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
