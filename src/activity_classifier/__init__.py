"""Classify Dutch descriptions of MBO teachers' professional-development activities.

The eleven activity types are those of Hagedoorn et al. (2023); see :mod:`activity_classifier.taxonomy`.

Examples
--------
>>> from activity_classifier import get_taxonomy
>>> get_taxonomy()["F4"].slug
'conference'
"""

from importlib.metadata import PackageNotFoundError, version

from .exceptions import (
    ActivityClassifierError,
    InputDataError,
    ModelArtifactError,
    ModelIntegrityError,
    UnknownLabelError,
)
from .model import ActivityClassifier
from .taxonomy import ActivityType, Taxonomy, get_taxonomy

try:
    __version__ = version("activity-classifier")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0+unknown"

__all__ = [
    "ActivityClassifier",
    "ActivityClassifierError",
    "ActivityType",
    "InputDataError",
    "ModelArtifactError",
    "ModelIntegrityError",
    "Taxonomy",
    "UnknownLabelError",
    "__version__",
    "get_taxonomy",
]
