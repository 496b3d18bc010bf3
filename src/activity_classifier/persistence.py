"""Saving and loading models as verified, versioned artifacts.

A model directory holds four files::

    model.skops      the fitted ActivityClassifier, written with skops.io (no pickle)
    inference.npz    the inference runtime's arrays (:mod:`activity_classifier._runtime`)
    inference.json   the inference runtime's vocabularies and settings
    metadata.json    format version, library versions, pipeline, labels, training data hash,
                     settings, cross-validated metrics, creation time, the model file's name, format
                     and SHA-256, and the ``runtime`` block (its version, the two files and their SHA-256)

:func:`load_model` reads ``model.skops`` (the estimator, for training-side work and inspection);
:func:`load_predictor` reads only the runtime files (what ``predict`` needs, without scikit-learn, SciPy
or skops), or exports the estimator of an older folder without them.

Loading never runs code from the model folder. ``model.skops`` is read with :func:`skops.io.load`, which
rebuilds objects from a JSON schema and arrays instead of unpickling them, and only if every type the file
names is in :data:`TRUSTED_TYPES` (this package's classes and functions and the scikit-learn types a fitted
model holds) or among the scikit-learn, NumPy and SciPy types skops trusts itself; any other type is
refused with :class:`~activity_classifier.exceptions.ModelTrustError` naming it.

Models of format 1 (before skops) are a joblib pickle, ``model.joblib``, and unpickling can execute
arbitrary code: only the default model shipped inside this package is loaded without asking; any other is
refused (:class:`~activity_classifier.exceptions.ModelTrustError`) unless the caller passes ``trust=True``
(``--trust-model`` on the command line). Retraining, or loading with ``trust=True`` and saving again,
writes the new format.

The SHA-256 of the model file is checked *before* it is read, so a damaged file is refused
(:class:`~activity_classifier.exceptions.ModelIntegrityError`); the hash catches damage, not an attacker,
who can rewrite both files. A model written with another scikit-learn minor version is refused with a
message saying which version to install (:class:`~activity_classifier.exceptions.ModelVersionError`).
Older metadata formats are upgraded on load by the functions in ``_MIGRATIONS``, so artifacts keep loading
when the format changes.

Pickles refer to classes by module path. Models saved before the package was split into sub-packages
name ``activity_classifier.model.ActivityClassifier``; while such a file is unpickled, the old module
paths in ``_RENAMED_MODULES`` resolve to the modules that hold those classes now (and only then).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import platform
import shutil
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ._json import json_safe
from ._version import __version__
from .exceptions import ModelArtifactError, ModelIntegrityError, ModelTrustError, ModelVersionError

# scikit-learn, skops and the estimator are imported where a model is saved or loaded from model.skops:
# load_predictor reads the runtime files without them.
if TYPE_CHECKING:
    from ._runtime import Predictor
    from .estimator import ActivityClassifier
    from .evaluation import EvaluationResult
    from .reliability import Reliability

__all__ = [
    "FORMAT_VERSION",
    "METADATA_FILE",
    "MODEL_FILE",
    "TRUSTED_TYPES",
    "default_model_dir",
    "file_sha256",
    "load_model",
    "load_predictor",
    "read_metadata",
    "save_model",
]

logger = logging.getLogger(__name__)

#: 2: the model is written with skops.io (``model.skops``); 1: a joblib pickle (``model.joblib``).
FORMAT_VERSION = 2
MODEL_FILE = "model.skops"
METADATA_FILE = "metadata.json"
#: The pickle of format 1 models.
PICKLE_FILE = "model.joblib"

#: Types a ``model.skops`` file may name besides those skops trusts itself (scikit-learn estimators,
#: NumPy arrays and dtypes, SciPy sparse matrices, Python containers): this package's classes and the
#: functions its vectorizers call, and the scikit-learn helpers a calibrated model holds.
TRUSTED_TYPES: tuple[str, ...] = (
    "activity_classifier.analysis.Analyzer",
    "activity_classifier.estimator.ActivityClassifier",
    "activity_classifier.features.CharNgrams",
    "activity_classifier.features.WordNgrams",
    "activity_classifier.features.char_ngrams",
    "activity_classifier.features.word_ngrams",
    "activity_classifier.gazetteer.Gazetteer",
    "activity_classifier.rules.KeywordRule",
    "activity_classifier.rules.RuleSet",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.calibration._TemperatureScaling",
    "sklearn.isotonic.IsotonicRegression",
    "sklearn.model_selection._split.StratifiedKFold",
    # The per-type word centroids of the reliability signals (data only).
    "scipy.sparse._csr.csr_matrix",
)


def _migrate_1_to_2(meta: dict[str, Any]) -> dict[str, Any]:
    """Format 1 stored a joblib pickle; say so, so that loading treats it as one."""
    model_file = meta.get("model_file")
    if model_file is None:
        model_file = {}
    if isinstance(model_file, Mapping):  # anything else is left for the metadata check to refuse
        model_file = dict(model_file)
        model_file.setdefault("name", PICKLE_FILE)
        model_file["format"] = "joblib"
    return dict(meta, format_version=2, model_file=model_file)


#: ``version -> function`` upgrading metadata of that format version to the next one.
_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _migrate_1_to_2}

#: Old module path -> the module that holds its pickled classes now (package 0.1.0 had flat modules).
_RENAMED_MODULES = {"activity_classifier.model": "activity_classifier.estimator"}


@contextmanager
def _renamed_modules() -> Iterator[None]:
    """Let a pickle that names an old module path find its classes, for the duration of one load."""
    added = [old for old in _RENAMED_MODULES if old not in sys.modules]
    for old in added:
        sys.modules[old] = importlib.import_module(_RENAMED_MODULES[old])
    try:
        yield
    finally:
        for old in added:
            sys.modules.pop(old, None)


def file_sha256(path: str | Path) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def default_model_dir() -> Path:
    """Return the directory of the default model that ships with the package.

    In an installed package it is ``activity_classifier/default_model``; in a source checkout (an
    editable install) it is ``models/default`` at the repository root.
    """
    packaged = Path(str(resources.files("activity_classifier"))) / "default_model"
    if (packaged / METADATA_FILE).is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "models" / "default"
    return checkout if (checkout / METADATA_FILE).is_file() else packaged


def save_model(
    model: ActivityClassifier,
    directory: str | Path,
    *,
    training_data: Mapping[str, Any] | None = None,
    metrics: EvaluationResult | Mapping[str, Any] | None = None,
    reliability: Reliability | None = None,
) -> Path:
    """Save a fitted model and its metadata to ``directory`` (replaced as a whole, atomically).

    Parameters
    ----------
    model : ActivityClassifier
        A fitted classifier.
    directory : str or Path
        Target directory; created, or replaced if it holds an earlier model.
    training_data : mapping, optional
        What the model was trained on, e.g. ``{"path": ..., "sha256": ..., "rows": ...}``.
    metrics : EvaluationResult or mapping, optional
        Cross-validated metrics to record (``train`` stores the ``metrics.json`` of its cross-validation).
    reliability : Reliability, optional
        The expected-correctness model and risk-coverage curve from writer-grouped out-of-fold predictions
        (stored as ``reliability``; needed for a target accuracy, see :mod:`activity_classifier.reliability`).

    Returns
    -------
    Path
        The directory.
    """
    model._check_fitted()
    if metrics is not None and not isinstance(metrics, Mapping):
        metrics = metrics.to_dict()
    dest = Path(directory)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if _model_dir(dest) != dest:  # an earlier save was interrupted between its renames: put it back first
        os.replace(_old_copy(dest), dest)
    import sklearn
    import skops
    import skops.io as sio

    from ._runtime import RUNTIME_VERSION, as_predictor
    from .tables import remove_stale_temporaries
    from .text import get_pipeline, pipeline_info

    remove_stale_temporaries(dest)  # what saves killed by kill -9 left; the pid in the name tells them
    # Nothing slow between making the temporary folder and the try that removes it on an interrupt.
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.{os.getpid()}.", dir=dest.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; a model directory is meant to be shared
        model_path = tmp / MODEL_FILE
        sio.dump(model, model_path, compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        params = model.get_params()
        if params.get("lexicon") is not None and not isinstance(params["lexicon"], str | Path):
            params["lexicon"] = "custom mapping (stored in the model)"
        if params.get("gazetteer") is not None and not isinstance(params["gazetteer"], str | Path):
            params["gazetteer"] = "custom mapping (stored in the model)"
        metadata = {
            "format_version": FORMAT_VERSION,
            "package": {"name": "activity-classifier", "version": __version__},
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "python_version": platform.python_version(),
            "sklearn_version": sklearn.__version__,
            "skops_version": skops.__version__,
            "pipeline": pipeline_info(get_pipeline(model.pipeline)).as_dict(),
            "labels": [str(c) for c in model.classes_],
            "training_data": json_safe(dict(training_data or {"rows": model.n_train_})),
            "settings": json_safe(params),
            "metrics": json_safe(dict(metrics or {})),
            "model_file": {"name": MODEL_FILE, "format": "skops", "sha256": file_sha256(model_path)},
        }
        runtime_files = as_predictor(model).save(tmp)
        metadata["runtime"] = {
            "version": RUNTIME_VERSION,
            "files": {role: {"name": name, "sha256": file_sha256(tmp / name)} for role, name in runtime_files.items()},
        }
        if reliability is not None:
            metadata["reliability"] = json_safe(reliability.to_dict())
        (tmp / METADATA_FILE).write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", "utf-8")
        _replace_directory(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


# Linux's renameat2(2) flag that swaps two paths in one atomic step.
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap the directories ``a`` and ``b`` atomically; False where the system cannot (then nothing moved)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import errno

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _old_copy(dest: Path) -> Path:
    """Where the two-rename fallback of :func:`_replace_directory` parks the previous model."""
    return dest.with_name(f".{dest.name}.old")


def _replace_directory(tmp: Path, dest: Path) -> None:
    """Put the complete directory ``tmp`` in place of ``dest`` so that one of the two is always there.

    Where the system can (Linux), the two are swapped in one atomic step and the previous model is then
    deleted: a reader, or a process killed at any instant, finds either the old or the new model at
    ``dest``. Elsewhere, ``dest`` is first renamed to ``.<name>.old`` and ``tmp`` renamed to ``dest``; for
    the moment between the two renames :func:`load_model` and the next :func:`save_model` fall back to
    ``.<name>.old``. Two processes saving to the same folder end with one complete model.
    """
    while True:
        if dest.exists() and _exchange(tmp, dest):
            shutil.rmtree(tmp, ignore_errors=True)
            return
        if not dest.exists():
            try:
                os.rename(tmp, dest)
                return
            except OSError:
                if not dest.exists():
                    raise
                continue  # another process put its model there first: swap ours in
        break
    old = _old_copy(dest)
    shutil.rmtree(old, ignore_errors=True)
    os.replace(dest, old)
    os.replace(tmp, dest)
    shutil.rmtree(old, ignore_errors=True)


def _model_dir(directory: Path) -> Path:
    """Return ``directory``, or its parked previous model while a save without atomic swap is interrupted."""
    old = _old_copy(directory)
    if not directory.exists() and (old / METADATA_FILE).is_file():
        logger.warning("%s: missing; a save was interrupted, loading the previous model from %s", directory, old)
        return old
    return directory


# How often a load is tried again because a save replaced the folder while it was being read.
_READ_ATTEMPTS = 8


def _identity(directory: Path) -> tuple[int, int, int] | None:
    """Return what changes when a save swaps another folder in at ``directory`` (None if nothing is there)."""
    try:
        st = os.stat(directory)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_ctime_ns


_T = TypeVar("_T")


def _read_consistently(directory: Path, read: Callable[[Path], _T]) -> _T:
    """Run ``read`` on the model folder at ``directory``, again if a save replaced the folder meanwhile.

    :func:`save_model` swaps a complete new folder in, so a reader that took ``metadata.json`` from one
    model and a model file from the next one sees a hash mismatch or a missing file although neither
    model is damaged. Such an error is raised only when the folder stayed the same while it was read
    (or after :data:`_READ_ATTEMPTS` tries); otherwise the read starts over on the folder now there.
    """
    for attempt in range(_READ_ATTEMPTS):
        d = _model_dir(directory)
        before = _identity(d)
        try:
            return read(d)
        except OSError:  # ModelArtifactError and its kinds, or a file gone between two steps
            replaced = _model_dir(directory) != d or _identity(d) != before
            if not replaced or attempt == _READ_ATTEMPTS - 1:
                raise
            logger.debug("%s: replaced by a save while being read; reading it again", directory)
    raise AssertionError("unreachable")  # pragma: no cover


def read_metadata(directory: str | Path) -> dict[str, Any]:
    """Read a model directory's metadata, upgraded to the current format version.

    Raises
    ------
    ModelArtifactError
        If the directory or its metadata is missing or not valid JSON.
    ModelVersionError
        If the metadata was written by a newer format version.
    """
    d = _model_dir(Path(directory))
    meta_path = d / METADATA_FILE
    if not meta_path.is_file():
        raise ModelArtifactError(f"{d}: not a model directory (no {METADATA_FILE})")
    if not _inside(d, meta_path):
        raise ModelArtifactError(f"{meta_path}: is a link to a file outside the model folder; not read")
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelArtifactError(f"{meta_path}: unreadable metadata ({exc.__class__.__name__})") from exc
    if not isinstance(meta, dict) or not isinstance(meta.get("format_version"), int):
        raise ModelArtifactError(f"{meta_path}: metadata has no integer format_version")
    version = meta["format_version"]
    if version > FORMAT_VERSION:
        raise ModelVersionError(
            f"{d}: model format {version} is newer than this activity-classifier "
            f"({__version__}, format {FORMAT_VERSION}); upgrade the package"
        )
    while version < FORMAT_VERSION:
        if version not in _MIGRATIONS:
            raise ModelVersionError(f"{d}: model format {version} can no longer be read; retrain the model")
        meta = _MIGRATIONS[version](meta)
        version = meta["format_version"]
    _check_metadata(meta, meta_path)
    return dict(meta)


#: The files of the ``runtime`` block (see :mod:`activity_classifier._runtime`).
_RUNTIME_ROLES = ("arrays", "settings")
#: The model file formats ``model_file.format`` may name.
_MODEL_FORMATS = ("skops", "joblib")
_HEX = frozenset("0123456789abcdef")


def _check_metadata(meta: Mapping[str, Any], meta_path: Path) -> None:
    """Check the fields loading relies on (the metadata schema); any deviation is a one-line error.

    ``model_file`` must be an object whose ``name`` is a plain file name inside the model folder (no
    folder part, no ``..``, not absolute), whose ``format`` is one of :data:`_MODEL_FORMATS` and whose
    ``sha256`` is 64 lower-case hex digits; ``labels`` a list of texts; the version fields texts.
    """

    def bad(field: str, why: str) -> ModelArtifactError:
        return ModelArtifactError(f"{meta_path}: invalid metadata: {field} {why}")

    def check_file(entry: object, field: str) -> Mapping[str, Any]:
        if not isinstance(entry, Mapping):
            raise bad(field, f"must be an object, not {type(entry).__name__}")
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            raise bad(f"{field}.name", f"must be a file name, not {type(name).__name__}")
        if (
            name in (".", "..")
            or "/" in name
            or "\\" in name
            or os.path.isabs(name)
            or Path(name).name != name
            or any(ord(ch) < 32 for ch in name)
        ):
            raise bad(f"{field}.name", f"{name!r} must name a file inside the model folder")
        sha = entry.get("sha256")
        if not (isinstance(sha, str) and len(sha) == 64 and set(sha) <= _HEX):
            raise bad(f"{field}.sha256", "must be 64 lower-case hex digits")
        return entry

    model_file = check_file(meta.get("model_file"), "model_file")
    if model_file.get("format") not in _MODEL_FORMATS:
        raise bad("model_file.format", f"must be one of {', '.join(_MODEL_FORMATS)}")
    runtime = meta.get("runtime")
    if runtime is not None:
        if not isinstance(runtime, Mapping):
            raise bad("runtime", f"must be an object, not {type(runtime).__name__}")
        if not isinstance(runtime.get("version"), int) or isinstance(runtime.get("version"), bool):
            raise bad("runtime.version", "must be an integer")
        files = runtime.get("files")
        if not isinstance(files, Mapping) or set(files) != set(_RUNTIME_ROLES):
            raise bad("runtime.files", f"must be an object with the entries {', '.join(_RUNTIME_ROLES)}")
        for role in _RUNTIME_ROLES:
            check_file(files[role], f"runtime.files.{role}")
    labels = meta.get("labels")
    if labels is not None and not (isinstance(labels, list) and all(isinstance(x, str) for x in labels)):
        raise bad("labels", "must be a list of texts")
    for key in ("sklearn_version", "python_version", "created"):
        if key in meta and not isinstance(meta[key], str):
            raise bad(key, f"must be a text, not {type(meta[key]).__name__}")


def _inside(directory: Path, path: Path) -> bool:
    """Tell whether ``path``, with every symbolic link followed, is a file directly in ``directory``."""
    try:
        return path.resolve(strict=True).parent == directory.resolve(strict=True)
    except (OSError, RuntimeError):
        return False


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def _is_shipped_default(directory: Path) -> bool:
    """Tell whether ``directory`` is the default model of this package (the only pickle loaded untrusted)."""
    try:
        return directory.resolve() == default_model_dir().resolve()
    except OSError:
        return False


def _load_skops(model_path: Path) -> Any:
    import skops.io as sio

    try:
        types = sio.get_untrusted_types(file=model_path)
    except Exception as exc:
        raise ModelArtifactError(f"{model_path}: not a readable skops file ({exc.__class__.__name__})") from exc
    untrusted = sorted(set(types) - set(TRUSTED_TYPES))
    if untrusted:
        raise ModelTrustError(
            f"{model_path}: refusing to load untrusted type{'s' if len(untrusted) > 1 else ''} "
            f"{', '.join(untrusted)} (a model may hold only activity-classifier and scikit-learn types)"
        )
    return sio.load(model_path, trusted=list(types))


def _load_pickle(model_path: Path) -> Any:
    import joblib

    with _renamed_modules():
        return joblib.load(model_path)


def load_model(directory: str | Path | None = None, *, trust: bool = False) -> ActivityClassifier:
    """Load a saved model after verifying its hash, its types and its library versions.

    Parameters
    ----------
    directory : str or Path, optional
        A directory written by :func:`save_model`; the shipped default model when omitted.
    trust : bool, default=False
        Also load a format 1 model (a joblib pickle) from outside this package. Unpickling runs whatever
        code the file holds: pass True only for a model folder whose writer you trust.

    Returns
    -------
    ActivityClassifier
        The fitted classifier; its metadata is available as ``model.metadata_``.

    Raises
    ------
    ModelArtifactError
        If files are missing or unreadable.
    ModelIntegrityError
        If the model file does not match the SHA-256 in the metadata (it is then never read).
    ModelTrustError
        If the model file names a type outside :data:`TRUSTED_TYPES`, or is a pickle and ``trust`` is
        False (it is then never unpickled).
    ModelVersionError
        If the format is newer than this package, or scikit-learn's minor version differs.
    """
    if directory is None:
        return _load_model(default_model_dir(), trust)
    return _read_consistently(Path(directory), lambda d: _load_model(d, trust))


def _load_model(d: Path, trust: bool) -> ActivityClassifier:
    meta = read_metadata(d)
    import sklearn

    from .estimator import ActivityClassifier
    from .reliability import Reliability

    model_file = meta["model_file"]
    fmt = str(model_file["format"])
    model_path = _model_file(d, model_file, "model file")
    if fmt != "skops" and not (trust or _is_shipped_default(d)):
        raise ModelTrustError(
            f"{model_path}: an old-format model (a pickle, which can run code when loaded) is not loaded; "
            "retrain it with 'activity-classifier train', or pass --trust-model (trust=True) if you trust "
            "whoever wrote this folder"
        )
    _check_sha256(model_path, model_file)
    saved_sklearn = str(meta.get("sklearn_version", "unknown"))
    if _minor(saved_sklearn) != _minor(sklearn.__version__):
        raise ModelVersionError(
            f"{d}: model was saved with scikit-learn {saved_sklearn}, but {sklearn.__version__} is installed; "
            f"install scikit-learn=={saved_sklearn} or retrain with 'activity-classifier train'"
        )
    try:
        with warnings.catch_warnings():
            # A patch-level difference is fine; sklearn warns about any difference at all.
            warnings.simplefilter("ignore", category=sklearn.exceptions.InconsistentVersionWarning)
            model = _load_skops(model_path) if fmt == "skops" else _load_pickle(model_path)
    except ModelArtifactError:
        raise
    except Exception as exc:
        raise ModelArtifactError(f"{model_path}: cannot load model ({exc.__class__.__name__}: {exc})") from exc
    if not isinstance(model, ActivityClassifier):
        raise ModelArtifactError(f"{model_path}: does not hold an ActivityClassifier")
    if "reliability" in meta:  # optional (older models have none); refused when malformed
        Reliability.from_dict(meta["reliability"], where=str(d / METADATA_FILE))
    model.metadata_ = meta
    return model


def _model_file(directory: Path, entry: Mapping[str, Any], what: str) -> Path:
    """Return the path of a file the metadata lists, refusing a missing file or a link out of the folder."""
    path = directory / str(entry["name"])
    if not path.is_file():
        raise ModelArtifactError(f"{directory}: {what} {path.name} is missing")
    if not _inside(directory, path):
        raise ModelArtifactError(f"{path}: is a link to a file outside the model folder; not loaded")
    return path


def _check_sha256(path: Path, entry: Mapping[str, Any]) -> None:
    expected = entry.get("sha256")
    if not expected or file_sha256(path) != expected:
        raise ModelIntegrityError(
            f"{path}: SHA-256 does not match metadata.json; the file is damaged or was altered, and is not loaded"
        )


def load_predictor(directory: str | Path | None = None, *, trust: bool = False) -> Predictor:
    """Load a saved model's inference runtime: what prediction needs, without scikit-learn, SciPy or skops.

    A model folder whose metadata has a ``runtime`` block of this version is read from its runtime files
    (:mod:`activity_classifier._runtime`: NumPy arrays read with ``allow_pickle=False`` and JSON), after
    their SHA-256 and that of the model file are checked. Older folders are loaded with :func:`load_model` and exported.

    Parameters
    ----------
    directory : str or Path, optional
        A directory written by :func:`save_model`; the shipped default model when omitted.
    trust : bool, default=False
        As for :func:`load_model` (only used for a folder without runtime files).

    Returns
    -------
    Predictor
        Its predictions equal those of the estimator; its metadata is ``metadata_``.

    Raises
    ------
    ModelArtifactError, ModelIntegrityError, ModelTrustError, ModelVersionError
        As :func:`load_model`; a malformed runtime file is a :class:`ModelArtifactError` naming it.
    """
    if directory is None:
        return _load_predictor(default_model_dir(), trust)
    return _read_consistently(Path(directory), lambda d: _load_predictor(d, trust))


def _load_predictor(d: Path, trust: bool) -> Predictor:
    from ._runtime import RUNTIME_VERSION, Predictor, as_predictor
    from .reliability import Reliability

    meta = read_metadata(d)
    runtime = meta.get("runtime")
    if runtime is None or runtime["version"] != RUNTIME_VERSION:
        return as_predictor(_load_model(d, trust))
    # The model file is not read, but a damaged folder is refused as a whole, as load_model does.
    _check_sha256(_model_file(d, meta["model_file"], "model file"), meta["model_file"])
    for role, entry in runtime["files"].items():
        _check_sha256(_model_file(d, entry, f"runtime file ({role})"), entry)
    if "reliability" in meta:  # optional (older models have none); refused when malformed
        Reliability.from_dict(meta["reliability"], where=str(d / METADATA_FILE))
    try:
        return Predictor.load(d, runtime["files"], meta)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelArtifactError(f"{d}: cannot load the runtime files ({exc.__class__.__name__}: {exc})") from exc
