"""Classify Dutch descriptions of MBO teachers' professional-development activities.

The eleven activity types are those of Hagedoorn et al. (2023); see :mod:`activity_classifier.taxonomy`.

The names below are imported on first use (PEP 562), so that ``import activity_classifier`` and the
command line's ``--help`` stay quick: spaCy, scikit-learn and pandas load only when a model is needed.

Examples
--------
>>> from activity_classifier import get_taxonomy, load_model
>>> get_taxonomy()["F4"].slug
'conference'
>>> load_model().predict(["Twee dagen naar het onderwijscongres"]).tolist()
['conference']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .exceptions import (
    ActivityClassifierError,
    InputDataError,
    ModelArtifactError,
    ModelIntegrityError,
    ModelTrustError,
    UnknownLabelError,
)
from .taxonomy import ActivityType, Taxonomy, get_taxonomy

if TYPE_CHECKING:
    from .estimator import ActivityClassifier
    from .persistence import load_model, save_model
    from .policy import Prediction
    from .predictions import classify

__all__ = [
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
]

#: Public names that need the heavy dependencies, and the module that defines each.
_LAZY = {
    "ActivityClassifier": "estimator",
    "Prediction": "policy",
    "classify": "predictions",
    "load_model": "persistence",
    "save_model": "persistence",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
