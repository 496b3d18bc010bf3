"""All errors raised by activity-classifier.

Every error derives from :class:`ActivityClassifierError`, and each subclass also inherits the built-in
error it resembles, so ``except ValueError`` keeps working for callers that do not know this package::

    ActivityClassifierError(Exception)
    ├── UnknownLabelError(ActivityClassifierError, KeyError)    a label that is not one of the eleven slugs
    ├── InputDataError(ActivityClassifierError, ValueError)     a file, column, row or cell that is unusable
    │   └── EmptyInputError                                     an input without any rows
    ├── PipelineError(ActivityClassifierError, RuntimeError)    a spaCy pipeline that cannot be built
    ├── LexiconError(ActivityClassifierError, ValueError)       a keyword-rule lexicon that is malformed
    ├── NotFittedError(ActivityClassifierError, sklearn NotFittedError)  predict before fit
    └── ModelArtifactError(ActivityClassifierError, OSError)    a saved model that cannot be trusted or read
        ├── ModelIntegrityError                                 hash mismatch: damaged or altered file
        ├── ModelTrustError                                     could run code: an untrusted type or a pickle
        └── ModelVersionError                                   written by an incompatible version

The command-line interface turns any :class:`ActivityClassifierError` into a one-line message and exit
code 2; :class:`QualityGateError` is the exception to that rule (exit code 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "ActivityClassifierError",
    "EmptyInputError",
    "InputDataError",
    "LexiconError",
    "ModelArtifactError",
    "ModelIntegrityError",
    "ModelTrustError",
    "ModelVersionError",
    "NotFittedError",
    "PipelineError",
    "QualityGateError",
    "UnknownLabelError",
]


class ActivityClassifierError(Exception):
    """Base class of every error this package raises on purpose."""


class UnknownLabelError(ActivityClassifierError, KeyError):
    """A label is not one of the taxonomy's slugs or ids.

    The message lists the valid labels so a user can correct the data.
    """

    def __str__(self) -> str:
        # KeyError would wrap the message in quotes; users should read it plainly.
        return str(self.args[0]) if self.args else ""


class InputDataError(ActivityClassifierError, ValueError):
    """An input file, column, row or cell cannot be used.

    Parameters
    ----------
    message : str
        What is wrong, in one line.
    path : str or None
        The file concerned, if any.
    row : int or None
        The 1-based data row (as a spreadsheet user counts, header excluded), if any.
    column : str or None
        The column concerned, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.row = row
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class EmptyInputError(InputDataError):
    """An input holds no rows (or no usable text) at all."""


class PipelineError(ActivityClassifierError, RuntimeError):
    """The requested spaCy pipeline cannot be built (e.g. a named model is not installed)."""


class LexiconError(ActivityClassifierError, ValueError):
    """A keyword-rule lexicon file is malformed or names an unknown type."""


if TYPE_CHECKING:
    from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

    class NotFittedError(ActivityClassifierError, _SklearnNotFittedError):  # type: ignore[misc]
        """A classifier was used before :meth:`ActivityClassifier.fit` was called."""


def _make_not_fitted_error() -> type[ActivityClassifierError]:
    # Built on first use: deriving from scikit-learn's error means importing scikit-learn, which this
    # module (imported by the command line's --help) must not do at import time.
    from sklearn.exceptions import NotFittedError as SklearnNotFittedError

    return type(
        "NotFittedError",
        (ActivityClassifierError, SklearnNotFittedError),
        {
            "__module__": __name__,
            "__qualname__": "NotFittedError",
            "__doc__": "A classifier was used before :meth:`ActivityClassifier.fit` was called.",
        },
    )


def __getattr__(name: str) -> Any:
    if name == "NotFittedError":
        cls = globals()["NotFittedError"] = _make_not_fitted_error()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ModelArtifactError(ActivityClassifierError, OSError):
    """A saved model directory is missing, incomplete or unreadable."""


class ModelIntegrityError(ModelArtifactError):
    """A model file's SHA-256 does not match its metadata: it is damaged or was altered.

    Such a file is never read.
    """


class ModelTrustError(ModelArtifactError):
    """A model file is not loaded because loading it could run code.

    Either it names a type outside the trusted list (:data:`activity_classifier.persistence.TRUSTED_TYPES`),
    or it is a pickle from outside this package and the caller did not pass ``trust=True``
    (``--trust-model``).
    """


class ModelVersionError(ModelArtifactError):
    """A model artifact was written in a format or with library versions this version cannot use."""


class QualityGateError(ActivityClassifierError):
    """An evaluation fell below a quality gate (the CLI exits with code 1)."""
