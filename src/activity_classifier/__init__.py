"""Classify Dutch descriptions of MBO teachers' professional-development activities.

The eleven activity types are those of Hagedoorn et al. (2023); see :mod:`activity_classifier.taxonomy`.

Examples
--------
>>> from activity_classifier import get_taxonomy, load_model
>>> get_taxonomy()["F4"].slug
'conference'
>>> load_model().predict(["Twee dagen naar het onderwijscongres"]).tolist()
['conference']
"""

from ._version import __version__
from .api import classify
from .artifacts import load_model, save_model
from .exceptions import (
    ActivityClassifierError,
    InputDataError,
    ModelArtifactError,
    ModelIntegrityError,
    UnknownLabelError,
)
from .model import ActivityClassifier
from .policy import Prediction
from .taxonomy import ActivityType, Taxonomy, get_taxonomy

__all__ = [
    "ActivityClassifier",
    "ActivityClassifierError",
    "ActivityType",
    "InputDataError",
    "ModelArtifactError",
    "ModelIntegrityError",
    "Prediction",
    "Taxonomy",
    "UnknownLabelError",
    "__version__",
    "classify",
    "get_taxonomy",
    "load_model",
    "save_model",
]
